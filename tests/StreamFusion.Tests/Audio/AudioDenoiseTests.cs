using StreamFusion.Media;
using StreamFusion.Audio.Denoise;

namespace StreamFusion.Tests.Audio;

public class AudioDenoiseTests
{
    private static double SnrDb(float[] clean, float[] signal)
    {
        double power = 0, error = 0;
        for (var i = 0; i < clean.Length; i++)
        {
            power += clean[i] * (double)clean[i];
            error += (signal[i] - clean[i]) * (double)(signal[i] - clean[i]);
        }
        return 10 * Math.Log10(power / error);
    }

    private static float[] Clean(AudioDenoiseSettings settings, float[] input)
    {
        var denoiser = new AudioDenoiser(settings, 16000);
        var output = new List<float>();
        double? firstPts = null;
        for (var i = 0; i < input.Length; i += 1000)
        {
            var (samples, pts) = denoiser.Process(input.AsSpan(i, Math.Min(1000, input.Length - i)), i / 16000.0);
            if (samples.Length > 0) firstPts ??= pts;
            Assert.Equal(output.Count / 16000.0, pts, 6); // output stays on the input's clock
            output.AddRange(samples);
        }
        Assert.Equal(0, firstPts!.Value, 6);
        return output.ToArray();
    }

    [Fact]
    public void Spectral_subtraction_raises_the_snr_of_speech_in_white_noise()
    {
        var speech = MediaSource.ReadAllAudio(TestAssets.Media("jfk.wav"), 16000);
        var random = new Random(11);
        var noise = speech.Select(_ => (float)((random.NextDouble() - 0.5) * 0.28)).ToArray(); // ~5 dB SNR
        var noisy = speech.Zip(noise, (s, n) => s + n).ToArray();
        var before = SnrDb(speech, noisy);

        var cleaned = Clean(new AudioDenoiseSettings(Enabled: true, HighPassHz: 0), noisy);
        var after = SnrDb(speech[..cleaned.Length], cleaned);

        Assert.InRange(before, 0, 12);
        Assert.True(after > before + 3, $"SNR {before:F1} dB → {after:F1} dB");
    }

    [Fact]
    public void The_high_pass_removes_rumble_and_keeps_speech_band_tones()
    {
        var rumble = Enumerable.Range(0, 16000).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 30 * i / 16000.0))).ToArray();
        var voice = Enumerable.Range(0, 16000).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 500 * i / 16000.0))).ToArray();
        var settings = new AudioDenoiseSettings(Enabled: true, HighPassHz: 80, Subtraction: 0);

        double Rms(float[] x) => Math.Sqrt(x[4000..].Average(v => v * (double)v));

        Assert.True(Rms(Clean(settings, rumble)) < 0.2 * Rms(rumble));
        Assert.True(Rms(Clean(settings, voice)) > 0.95 * Rms(voice));
    }
}
