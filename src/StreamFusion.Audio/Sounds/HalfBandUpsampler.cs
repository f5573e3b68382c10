namespace StreamFusion.Audio.Sounds;

/// <summary>
/// Doubles a sample rate (16 → 32 kHz for the tagger): the even outputs are the inputs, the odd ones a
/// Blackman-windowed sinc interpolation halfway between them. Exact for content below the input's Nyquist
/// frequency; nothing above it is invented.
/// </summary>
public static class HalfBandUpsampler
{
    private const int TapsPerSide = 16;
    private static readonly float[] Taps = MakeTaps();

    public static float[] Double(ReadOnlySpan<float> input)
    {
        var output = new float[input.Length * 2];
        for (var n = 0; n < input.Length; n++)
        {
            output[2 * n] = input[n];
            double between = 0;
            for (var k = 0; k < TapsPerSide; k++)
            {
                var (left, right) = (n - k, n + 1 + k);
                between += Taps[k] * ((left >= 0 ? input[left] : 0) + (right < input.Length ? input[right] : 0));
            }
            output[2 * n + 1] = (float)between;
        }
        return output;
    }

    private static float[] MakeTaps()
    {
        var taps = new double[TapsPerSide];
        for (var k = 0; k < TapsPerSide; k++)
        {
            var t = k + 0.5; // input samples from the point halfway between two of them
            var window = 0.42 + 0.5 * Math.Cos(Math.PI * t / (TapsPerSide + 0.5)) + 0.08 * Math.Cos(2 * Math.PI * t / (TapsPerSide + 0.5));
            taps[k] = Math.Sin(Math.PI * t) / (Math.PI * t) * window;
        }
        var gain = 2 * taps.Sum(); // a constant signal stays constant
        return taps.Select(t => (float)(t / gain)).ToArray();
    }
}
