using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamFusion.Audio.Stage;
using StreamFusion.Audio.Vad;
using StreamFusion.Core.Assets;
using StreamFusion.Inference;
using StreamFusion.Speech;
using StreamFusion.Speech.PocketSphinx;
using StreamFusion.Speech.Whisper;

namespace StreamFusion.Bench;

/// <summary>
/// `streamfusion bench speech`: what recognising a camera's speech costs, per engine and mode, on jfk.wav and the
/// 20 GRID clips: utterances cut by voice activity, decoded one at a time on one thread. Reported as real-time
/// factors and as talking cameras one core sustains, side by side in one run with PocketSphinx's own
/// pocketsphinx_continuous (whole files, its own silence detection, same model and thresholds) as the baseline.
/// </summary>
public static class SpeechBench
{
    private const int Rate = ISpeechEngine.SampleRate;
    private static readonly string[] GridKeywords = ["blue", "green", "red", "white", "again", "now", "please", "soon"];
    private static readonly string[] JfkKeywords = ["country", "americans", "help", "call the police"];

    private sealed record Corpus(string Name, string[] Files, string[] Keywords, double AudioSeconds, List<SpeechClip> Clips);

    private sealed record Row(string Corpus, string Engine, double AudioSeconds, double SpeechSeconds, double DecodeSeconds, double? BaselineSeconds)
    {
        public double RealTimeFactor => DecodeSeconds / AudioSeconds;
        public double CamerasPerCore => AudioSeconds / DecodeSeconds;
    }

    public static async Task RunAsync(SpeechBenchOptions options, AssetLocator assets, CancellationToken cancellation)
    {
        var vad = await assets.ResolveUriAsync("asset:models/silero_vad.onnx", cancellation);
        var jfk = await assets.ResolveUriAsync("asset:media/jfk.wav", cancellation);
        var grid = Directory.GetFiles(Path.GetDirectoryName(await assets.ResolveUriAsync("asset:media/grid/bbbs5s.mpg", cancellation))!, "*.mpg").Order().ToArray();
        var whisper = options.WhisperModel is { } given ? await assets.ResolveUriAsync(given, cancellation)
            : await TryResolveAsync(assets, "asset:models/for-tests-ggml-tiny.en.bin", cancellation);
        var corpora = new[] { Load("jfk.wav", [jfk], JfkKeywords, vad), Load("GRID, 20 clips", grid, GridKeywords, vad) };
        var repeats = Math.Max(1, options.Repeat);
        var rows = new List<Row>();
        using var temp = new TempWavs();
        foreach (var corpus in corpora)
        {
            var wavs = corpus.Files.Select(temp.Write).ToArray();
            foreach (var (mode, keywords, transcribe) in new[] { ("keywords", true, false), ("transcribe", false, true), ("both", true, true) })
            {
                if (!options.Engines.Contains(mode)) continue;
                var settings = new PocketSphinxSettings
                {
                    Keywords = keywords ? corpus.Keywords.ToDictionary(k => k, _ => PocketSphinxSettings.DefaultThreshold) : new Dictionary<string, double>(),
                    Transcribe = transcribe,
                };
                using var engine = new PocketSphinxEngine(settings);
                double? baseline = mode == "both" ? null : Baseline(wavs, settings, repeats);
                rows.Add(Measure(corpus, $"pocketsphinx {mode}", engine, repeats, baseline));
                Console.Error.WriteLine($"bench speech: {corpus.Name}, pocketsphinx {mode} done");
            }
            if (whisper is not null && options.Engines.Contains("whisper"))
            {
                using var engine = new WhisperEngine(new WhisperSettings { Model = whisper });
                rows.Add(Measure(corpus, $"whisper {Path.GetFileName(whisper)}", engine, 1, null));
                Console.Error.WriteLine($"bench speech: {corpus.Name}, whisper done");
            }
        }
        if (options.Json) Console.Out.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
        {
            corpus = r.Corpus, engine = r.Engine, audio_seconds = r.AudioSeconds, speech_seconds = r.SpeechSeconds, decode_seconds = r.DecodeSeconds,
            real_time_factor = r.RealTimeFactor, cameras_per_core = r.CamerasPerCore, baseline_seconds = r.BaselineSeconds,
        })));
        else Print(rows, repeats, whisper);
    }

    private static Corpus Load(string name, string[] files, string[] keywords, string vad)
    {
        var clips = new List<SpeechClip>();
        var seconds = 0.0;
        foreach (var file in files)
        {
            using var analyzer = AudioAnalyzer.Load(new AudioSettings(vad, new OnnxSettings { Device = InferenceDevice.Cpu }) { CutUtterances = true });
            var windows = analyzer.AnalyseMedia(file);
            clips.AddRange(windows.SelectMany(w => w.Utterances));
            seconds += windows.Count == 0 ? 0 : windows[^1].End - windows[0].Start;
        }
        return new Corpus(name, files, keywords, seconds, clips);
    }

    /// <summary>Median seconds to decode every utterance of the corpus, after one untimed pass (warm caches and tiers).</summary>
    private static Row Measure(Corpus corpus, string name, ISpeechEngine engine, int repeats, double? baseline)
    {
        foreach (var clip in corpus.Clips.Take(2)) engine.Decode(clip.Samples, clip.Start);
        var passes = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var clip in corpus.Clips) engine.Decode(clip.Samples, clip.Start);
            passes.Add(clock.Elapsed.TotalSeconds);
        }
        return new Row(corpus.Name, name, corpus.AudioSeconds, corpus.Clips.Sum(c => c.End - c.Start), Median(passes), baseline);
    }

    /// <summary>
    /// pocketsphinx_continuous over the same files, less its start-up (a run on 0.1 s of silence): null when the
    /// tool is not installed (apt-get install pocketsphinx).
    /// </summary>
    private static double? Baseline(string[] wavs, PocketSphinxSettings settings, int repeats)
    {
        if (!File.Exists("/usr/bin/pocketsphinx_continuous")) return null;
        var kws = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(kws, settings.Keywords.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} /{k.Value:0.###e+0}/")));
            string[] search = settings.Keywords.Count > 0 ? ["-kws", kws, "-kws_plp", settings.PhoneLoopProbability.ToString("0.###e+0", CultureInfo.InvariantCulture)] : ["-lm", settings.LanguageModel];
            var silence = TempWavs.Silence();
            var startup = Median([.. Enumerable.Range(0, repeats).Select(_ => Continuous(silence, search))]);
            File.Delete(silence);
            return Median([.. Enumerable.Range(0, repeats).Select(_ => wavs.Sum(w => Math.Max(0, Continuous(w, search) - startup)))]);
        }
        finally
        {
            File.Delete(kws);
        }
    }

    private static double Continuous(string wav, string[] search)
    {
        var info = new ProcessStartInfo("/usr/bin/pocketsphinx_continuous") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-infile", wav, "-logfn", "/dev/null" }.Concat(search)) info.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return clock.Elapsed.TotalSeconds;
    }

    private static void Print(List<Row> rows, int repeats, string? whisper)
    {
        Console.Out.WriteLine($"Speech benchmark: utterances found by Silero VAD, decoded one at a time on one thread; median of {repeats} passes");
        Console.Out.WriteLine($"{"corpus",-16} {"engine and mode",-42} {"audio s",8} {"speech s",9} {"decode s",9} {"RTF",6} {"cameras/core",13} {"vs pocketsphinx_continuous",27}");
        foreach (var r in rows)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Corpus,-16} {r.Engine,-42} {r.AudioSeconds,8:F1} {r.SpeechSeconds,9:F1} {r.DecodeSeconds,9:F2} {r.RealTimeFactor,6:F3} {r.CamerasPerCore,13:F1} {(r.BaselineSeconds is { } b ? $"{b / r.DecodeSeconds:F2}x ({b:F2} s)" : "-"),27}"));
        Console.Out.WriteLine("cameras/core: cameras talking as much as the corpus that one core keeps up with; vs: the baseline's time over ours (above 1: we are faster)");
        if (whisper is null) Console.Out.WriteLine("whisper: no model (--whisper-model FILE, a ggml model such as ggml-base.en.bin)");
        else if (Path.GetFileName(whisper).StartsWith("for-tests", StringComparison.Ordinal))
            Console.Out.WriteLine("whisper: whisper.cpp's test model (random weights): its speed is not a real model's; pass --whisper-model for one");
        if (!File.Exists("/usr/bin/pocketsphinx_continuous")) Console.Out.WriteLine("baseline: pocketsphinx_continuous not installed (apt-get install pocketsphinx)");
    }

    private static async Task<string?> TryResolveAsync(AssetLocator assets, string uri, CancellationToken cancellation)
    {
        try
        {
            return await assets.ResolveUriAsync(uri, cancellation);
        }
        catch (Exception e) when (e is FileNotFoundException or AssetNotFoundException)
        {
            return null;
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>16 kHz mono 16-bit WAV copies of the corpus for the baseline, deleted afterwards.</summary>
    private sealed class TempWavs : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("streamfusion-bench-speech-").FullName;

        public string Write(string media)
        {
            var path = Path.Combine(_folder, Path.GetFileNameWithoutExtension(media) + ".wav");
            WavFile.Write(path, StreamFusion.Media.MediaSource.ReadAllAudio(media, Rate), Rate);
            return path;
        }

        public static string Silence()
        {
            var path = Path.Combine(Path.GetTempPath(), $"streamfusion-silence-{Guid.NewGuid():N}.wav");
            WavFile.Write(path, new float[Rate / 10], Rate);
            return path;
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
