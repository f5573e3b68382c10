namespace StreamFusion.Audio;

/// <summary>Signal levels in dB relative to full scale (RMS of a full-scale square wave = 0 dBFS).</summary>
public static class Levels
{
    public const float Silence = -120;

    public static float RmsDb(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty) return Silence;
        double sum = 0;
        foreach (var s in samples) sum += s * s;
        return ToDb(sum / samples.Length);
    }

    public static float ToDb(double meanSquare) => meanSquare <= 1e-12 ? Silence : (float)(10 * Math.Log10(meanSquare));
}
