using StreamFusion.Audio.Features;

namespace StreamFusion.Audio.Denoise;

/// <summary>
/// Streaming stationary-noise reduction: 512-sample frames at 50 % overlap with sqrt-Hann analysis and synthesis
/// windows (which overlap-add to unity), a per-bin noise power estimate that follows the smoothed power down at
/// once and rises slowly, and the gain max(floor, 1 − α·noise/power), smoothed over time. Latency is one hop.
/// </summary>
public sealed class SpectralSubtraction
{
    private const int Size = 512, Hop = Size / 2, Bins = Size / 2 + 1;

    private readonly AudioDenoiseSettings _settings;
    private readonly float[] _window = new float[Size];
    private readonly ComplexFft _fft = new(Size);
    private readonly double[] _noise = new double[Bins], _smoothed = new double[Bins], _gain = new double[Bins];
    private readonly double _rise;
    private readonly float[] _input = new float[Size];
    private readonly float[] _overlap = new float[Hop];
    private int _filled = Hop; // the first frame starts with half a frame of silence
    private bool _primed;

    public SpectralSubtraction(AudioDenoiseSettings settings, int sampleRate)
    {
        _settings = settings;
        for (var n = 0; n < Size; n++) _window[n] = (float)Math.Sqrt(0.5 - 0.5 * Math.Cos(2 * Math.PI * n / Size));
        _rise = Math.Pow(10, settings.NoiseRiseDbPerSecond / 10 * Hop / sampleRate);
        Array.Fill(_gain, 1.0);
    }

    /// <summary>Samples of delay between input and output.</summary>
    public static int Latency => Hop;

    /// <summary>Consumes input and appends the same number of cleaned samples, delayed by <see cref="Latency"/>, to output.</summary>
    public void Process(ReadOnlySpan<float> input, List<float> output)
    {
        foreach (var sample in input)
        {
            _input[_filled++] = sample;
            if (_filled < Size) continue;
            ProcessFrame(output);
            Array.Copy(_input, Hop, _input, 0, Hop);
            _filled = Hop;
        }
    }

    private void ProcessFrame(List<float> output)
    {
        var re = _fft.Real;
        var im = _fft.Imaginary;
        for (var n = 0; n < Size; n++)
        {
            re[n] = _input[n] * _window[n];
            im[n] = 0;
        }
        _fft.Forward();
        for (var k = 0; k < Bins; k++)
        {
            var power = re[k] * re[k] + im[k] * im[k];
            _smoothed[k] = _primed ? 0.7 * _smoothed[k] + 0.3 * power : power;
            _noise[k] = _primed ? Math.Min(_noise[k] * _rise, _smoothed[k]) : _smoothed[k];
            var gain = power <= 0 ? _settings.Floor : Math.Max(_settings.Floor, 1 - _settings.Subtraction * _noise[k] / power);
            _gain[k] = 0.5 * _gain[k] + 0.5 * gain;
            re[k] *= _gain[k];
            im[k] *= _gain[k];
            if (k > 0 && k < Size / 2)
            {
                re[Size - k] = re[k];
                im[Size - k] = -im[k];
            }
        }
        _primed = true;
        _fft.Inverse();
        for (var n = 0; n < Hop; n++)
            output.Add((float)(_overlap[n] + re[n] * _window[n]));
        for (var n = 0; n < Hop; n++)
            _overlap[n] = (float)(re[Hop + n] * _window[Hop + n]);
    }
}
