using System.Text.Json;
using StreamFusion.Audio.Features;
using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Tests.Audio;

/// <summary>
/// MFCCs against torchaudio.compliance.kaldi.mfcc on the same waveforms (Fixtures/make_mfcc_reference.py, committed
/// as mfcc_reference.json). Tolerance: max abs difference 1e-3 on every cepstral coefficient of every frame.
/// </summary>
public class MfccReferenceTests
{
    private const double Tolerance = 1e-3;
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "mfcc_reference.json"))).RootElement;

    [Fact]
    public void Jfk_speech_decoded_by_the_shim_matches_torchaudio()
    {
        var signal = MediaSource.ReadAllAudio(TestAssets.Media("jfk.wav"), 16000);

        AssertMatches(Fixture.GetProperty("jfk.wav"), new MfccExtractor(new MfccSettings()).ComputeAll(signal));
    }

    [Fact]
    public void Synthetic_tones_match_torchaudio()
    {
        AssertMatches(Fixture.GetProperty("synthetic"), new MfccExtractor(new MfccSettings()).ComputeAll(Synthetic()));
    }

    /// <summary>The fixture's synthetic signal: two tones, one frequency-modulated, loud then quiet.</summary>
    private static float[] Synthetic()
    {
        var signal = new float[16000];
        for (var i = 0; i < signal.Length; i++)
        {
            var t = i / 16000.0;
            var amplitude = i < signal.Length / 2 ? 1.0 : 0.1;
            signal[i] = (float)(amplitude * (0.5 * Math.Sin(2 * Math.PI * 440 * t) + 0.25 * Math.Sin(2 * Math.PI * 1000 * t + 0.5 * Math.Sin(2 * Math.PI * 3 * t))));
        }
        return signal;
    }

    [Fact]
    public void The_gpu_kernels_match_torchaudio_on_both_signals_batched_in_one_pass()
    {
        // ILGPU's CPU accelerator runs the very kernels a CUDA device runs (scripts/gpu-check.sh runs them there).
        using var gpu = StreamFusion.Audio.Features.Gpu.GpuMfcc.OnCpuAccelerator(new MfccSettings());
        var jfk = MediaSource.ReadAllAudio(TestAssets.Media("jfk.wav"), 16000);

        var results = gpu.ComputeAll([jfk, Synthetic(), new float[100]]);

        AssertMatches(Fixture.GetProperty("jfk.wav"), results[0]);
        AssertMatches(Fixture.GetProperty("synthetic"), results[1]);
        Assert.Empty(results[2]); // shorter than a frame
        var cpu = new MfccExtractor(new MfccSettings()).ComputeAll(jfk);
        Assert.True(cpu.Zip(results[0], (a, b) => Math.Abs(a - b)).Max() < 1e-4, "the GPU kernels and the CPU path agree");
    }

    [Fact]
    public void Deltas_of_a_ramp_are_its_slope()
    {
        var ramp = Enumerable.Range(0, 10).Select(i => (float)(3 * i)).ToArray();

        var deltas = MfccExtractor.Deltas(ramp, 1);

        Assert.All(deltas[2..^2], d => Assert.Equal(3f, d, 5));
    }

    private static void AssertMatches(JsonElement expected, float[] actual)
    {
        var rows = expected.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var width = rows[0].Length;
        Assert.Equal(rows.Length * width, actual.Length);
        var worst = 0.0;
        for (var f = 0; f < rows.Length; f++)
            for (var c = 0; c < width; c++)
                worst = Math.Max(worst, Math.Abs(rows[f][c] - actual[f * width + c]));
        Assert.True(worst < Tolerance, $"max abs difference {worst:E2} over {rows.Length} frames");
    }
}
