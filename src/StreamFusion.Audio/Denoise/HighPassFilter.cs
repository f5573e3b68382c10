namespace StreamFusion.Audio.Denoise;

/// <summary>A 2nd-order Butterworth high-pass biquad (RBJ cookbook), streaming, state kept across calls.</summary>
public sealed class HighPassFilter
{
    private readonly double _b0, _b1, _b2, _a1, _a2;
    private double _x1, _x2, _y1, _y2;

    public HighPassFilter(double cutoffHz, int sampleRate)
    {
        var w = 2 * Math.PI * cutoffHz / sampleRate;
        var alpha = Math.Sin(w) / (2 * Math.Sqrt(0.5));
        var cos = Math.Cos(w);
        var a0 = 1 + alpha;
        _b0 = (1 + cos) / 2 / a0;
        _b1 = -(1 + cos) / a0;
        _b2 = (1 + cos) / 2 / a0;
        _a1 = -2 * cos / a0;
        _a2 = (1 - alpha) / a0;
    }

    public void Process(Span<float> samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            double x = samples[i];
            var y = _b0 * x + _b1 * _x1 + _b2 * _x2 - _a1 * _y1 - _a2 * _y2;
            (_x2, _x1, _y2, _y1) = (_x1, x, _y1, y);
            samples[i] = (float)y;
        }
    }
}
