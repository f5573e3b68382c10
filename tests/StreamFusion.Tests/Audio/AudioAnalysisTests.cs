using System.Globalization;
using StreamFusion.Audio.Events;
using StreamFusion.Audio.Features.Gpu;
using StreamFusion.Audio.Stage;
using StreamFusion.Audio.Vad;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Inference;

namespace StreamFusion.Tests.Audio;

public class AudioAnalysisTests
{
    private static AudioSettings Settings(bool silero = true) =>
        new(silero ? TestAssets.Path("models/silero_vad.onnx") : null, new OnnxSettings { Device = InferenceDevice.Cpu });

    private static List<AudioWindow> Analyse(float[] samples, AudioSettings settings, double startPts = 0)
    {
        using var analyzer = AudioAnalyzer.Load(settings);
        var windows = new List<AudioWindow>();
        for (var i = 0; i < samples.Length; i += 1024)
            windows.AddRange(analyzer.Push(samples.AsSpan(i, Math.Min(1024, samples.Length - i)), startPts + i / 16000.0));
        windows.AddRange(analyzer.Finish());
        return windows;
    }

    private static List<AudioWindow> AnalyseMedia(string file, AudioSettings settings)
    {
        using var analyzer = AudioAnalyzer.Load(settings);
        return analyzer.AnalyseMedia(TestAssets.Media(file));
    }

    /// <summary>A hand clap: a broadband burst decaying with a 12 ms time constant.</summary>
    private static void AddClap(float[] samples, double at, double amplitude, int seed)
    {
        var random = new Random(seed);
        var start = (int)(at * 16000);
        for (var i = 0; i < 1280 && start + i < samples.Length; i++)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            samples[start + i] += (float)(amplitude * gaussian * Math.Exp(-i / (0.012 * 16000)));
        }
    }

    private static float[] QuietRoom(double seconds, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, (int)(seconds * 16000)).Select(_ => (float)((random.NextDouble() - 0.5) * 0.003)).ToArray();
    }

    private static List<SpeechSegment> Speech(IEnumerable<AudioWindow> windows) => windows.SelectMany(w => w.Speech).OrderBy(s => s.Start).ToList();
    private static List<AcousticEvent> Events(IEnumerable<AudioWindow> windows, string kind) => windows.SelectMany(w => w.Events).Where(e => e.Kind == kind).ToList();

    [Fact]
    public void Speech_is_found_over_the_spoken_spans_of_jfk_and_not_in_its_silences()
    {
        var speech = Speech(AnalyseMedia("jfk.wav", Settings()));

        // Spoken: "And so my fellow Americans" from ~0.3 s, pauses near 2.5-3.2 s and 4.6-5.3 s, speech until ~10.6 s.
        Assert.InRange(speech.Count, 3, 8);
        Assert.InRange(speech[0].Start, 0.25, 0.5);
        Assert.InRange(speech[^1].End, 10.3, 11.0);
        Assert.DoesNotContain(speech, s => s.Start < 2.8 && s.End > 2.8);
        Assert.DoesNotContain(speech, s => s.Start < 4.9 && s.End > 4.9);
        Assert.InRange(speech.Sum(s => s.End - s.Start), 7.0, 9.5);
    }

    [Fact]
    public void The_energy_fallback_also_separates_speech_from_silence()
    {
        var windows = AnalyseMedia("jfk.wav", Settings(silero: false));

        Assert.True(windows[1].SpeechFraction > 0.5, $"window 1-2 s: {windows[1].SpeechFraction}");
        Assert.Equal(0, windows.Where(w => w.End <= 0.3).Sum(w => w.SpeechFraction));
        Assert.NotEmpty(Speech(windows));
    }

    [Fact]
    public void A_clap_in_silence_is_an_impulse_at_the_right_time()
    {
        var samples = QuietRoom(4);
        AddClap(samples, 2.5, 0.5, seed: 2);

        var windows = Analyse(samples, Settings());

        var clap = Assert.Single(windows.SelectMany(w => w.Events));
        Assert.Equal("impulse", clap.Kind);
        Assert.InRange(clap.Start, 2.45, 2.55);
        Assert.Empty(Speech(windows));
    }

    [Fact]
    public void Claps_in_a_speech_pause_and_over_speech_are_found_and_the_speech_itself_is_not_an_impulse()
    {
        var samples = MediaSource.ReadAllAudio(TestAssets.Media("jfk.wav"), 16000);
        AddClap(samples, 2.75, 0.5, seed: 3);   // in the pause after "Americans"
        AddClap(samples, 6.50, 0.9, seed: 4);   // over "what your country", much louder than the voice

        var impulses = Events(Analyse(samples, Settings()), "impulse");

        Assert.Equal(2, impulses.Count);
        Assert.InRange(impulses[0].Start, 2.70, 2.80);
        Assert.InRange(impulses[1].Start, 6.45, 6.55);
    }

    [Fact]
    public void A_sustained_loud_sound_is_one_event_spanning_it()
    {
        var samples = QuietRoom(5);
        var random = new Random(5);
        for (var i = (int)(1.5 * 16000); i < 3.5 * 16000; i++) samples[i] += (float)(0.4 * Math.Sin(2 * Math.PI * 3000 * i / 16000.0) + (random.NextDouble() - 0.5) * 0.1);

        var loud = Assert.Single(Events(Analyse(samples, Settings(silero: false)), "sustained-loud"));

        Assert.InRange(loud.Start, 1.45, 1.55);
        Assert.InRange(loud.End, 3.45, 3.56);
        Assert.True(loud.PeakDb > -12);
    }

    [Fact]
    public void Speech_onset_in_the_grid_clip_agrees_with_its_word_alignment_within_100_ms()
    {
        var align = File.ReadAllLines(TestAssets.Media("grid_swwp2s.align"))
            .Select(l => l.Split(' ')).Where(p => p.Length == 3 && p[2] != "sil")
            .Select(p => double.Parse(p[0], CultureInfo.InvariantCulture) / 25000).ToList();

        var speech = Speech(AnalyseMedia("grid_swwp2s.mpg", Settings()));

        Assert.Equal(0.49, align[0], 3);
        Assert.InRange(speech[0].Start - align[0], -0.1, 0.1);
    }

    [Fact]
    public void Media_without_audio_gives_no_windows_and_silent_audio_gives_no_events_or_speech()
    {
        Assert.Empty(AnalyseMedia("one-by-one-person-detection.mp4", Settings()));

        var silent = AnalyseMedia("car-detection.mp4", Settings());

        Assert.InRange(silent.Count, 30, 31);
        Assert.Empty(silent.SelectMany(w => w.Events));
        Assert.Empty(Speech(silent));
        Assert.All(silent, w => Assert.Equal(0, w.SpeechFraction));
    }

    [Fact]
    public void Windows_follow_the_media_clock_and_summarise_the_mfcc()
    {
        var windows = AnalyseMedia("jfk.wav", Settings());

        Assert.Equal(Enumerable.Range(0, 11).Select(i => (double)i), windows.Select(w => w.Start));
        Assert.All(windows, w => Assert.Equal(13, w.MfccMean.Length));
        Assert.True(windows[1].RmsDb > windows[0].RmsDb - 40 && windows[1].RmsDb > -30, $"speech window at {windows[1].RmsDb} dBFS");
        Assert.True(windows[1].MfccStd[1] > 0);
    }

    [Fact]
    public void Digital_silence_is_no_speech_without_running_the_model_and_speech_after_it_is_still_found()
    {
        using var vad = SileroVad.Load(TestAssets.Path("models/silero_vad.onnx"), new OnnxSettings { Device = InferenceDevice.Cpu });
        var speech = StreamFusion.Media.MediaSource.ReadAllAudio(TestAssets.Media("jfk.wav"), 16000);
        var audio = new float[16000].Concat(speech).ToArray(); // one second of a muted microphone, then the speech
        var chunks = Enumerable.Range(0, audio.Length / vad.ChunkSamples)
            .Select(i => vad.Process(audio.AsSpan(i * vad.ChunkSamples, vad.ChunkSamples))).ToList();

        Assert.All(chunks.Take(16000 / vad.ChunkSamples), p => Assert.Equal(0f, p));
        Assert.True(chunks.Skip(16000 / vad.ChunkSamples).Max() > 0.9f, "the speech after the silence");
    }

    [Fact]
    public void Cameras_computing_mfcc_with_the_gpu_kernels_get_the_windows_and_events_of_the_cpu_path()
    {
        // ILGPU's CPU accelerator stands in for the GPU: the same kernels, and the same sharing between cameras.
        using var devices = new MfccDevices((settings, _) => (GpuMfcc.OnCpuAccelerator(settings), null));
        string[] clips = ["jfk.wav", "grid_swwp2s.mpg"];
        var onCpu = clips.Select(c => AnalyseMedia(c, Settings() with { MfccDevice = InferenceDevice.Cpu })).ToList();
        var cameras = clips.Select(_ => AudioAnalyzer.Load(Settings() with { MfccDevice = new InferenceDevice(DeviceKind.Cuda, 0) }, mfccDevices: devices)).ToList();
        var onKernels = new List<AudioWindow>[clips.Length];
        Parallel.For(0, clips.Length, new ParallelOptions { MaxDegreeOfParallelism = clips.Length }, c => onKernels[c] = cameras[c].AnalyseMedia(TestAssets.Media(clips[c])));

        Assert.All(cameras, c => Assert.Contains("ILGPU", c.MfccDevice));
        Assert.Single(devices.AverageBatches); // both cameras through one set of kernels
        for (var c = 0; c < clips.Length; c++)
        {
            Assert.Equal(onCpu[c].Count, onKernels[c].Count);
            foreach (var (cpu, kernels) in onCpu[c].Zip(onKernels[c]))
            {
                Assert.True(cpu.MfccMean.Zip(kernels.MfccMean, (a, b) => Math.Abs(a - b)).Max() < 1e-3, $"{clips[c]} at {cpu.Start}s: MFCC means differ");
                Assert.True(cpu.MfccStd.Zip(kernels.MfccStd, (a, b) => Math.Abs(a - b)).Max() < 1e-3, $"{clips[c]} at {cpu.Start}s: MFCC deviations differ");
                Assert.Equal(cpu.Events.Select(e => (e.Kind, Math.Round(e.Start, 2))), kernels.Events.Select(e => (e.Kind, Math.Round(e.Start, 2))));
                Assert.Equal(cpu.Speech.Select(s => s.Start), kernels.Speech.Select(s => s.Start));
            }
        }
        Assert.Contains(onKernels[0], w => w.Speech.Count > 0);
        foreach (var camera in cameras) camera.Dispose();
    }

    [Fact]
    public void A_model_that_is_not_silero_is_rejected()
    {
        var error = Assert.Throws<ModelException>(() => SileroVad.Load(TestAssets.Path("models/yolox_nano.onnx"), new OnnxSettings { Device = InferenceDevice.Cpu }));
        Assert.Contains("not a Silero VAD model", error.Message);
    }
}
