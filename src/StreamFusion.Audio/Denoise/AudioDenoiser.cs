namespace StreamFusion.Audio.Denoise;

/// <summary>
/// High-pass then spectral subtraction, keeping the output on the input's media clock: output sample k (after
/// the latency's worth of leading silence is dropped) is input sample k. A jump in the input clock restarts it.
/// </summary>
public sealed class AudioDenoiser(AudioDenoiseSettings settings, int sampleRate)
{
    private HighPassFilter? _highPass;
    private SpectralSubtraction? _subtraction;
    private readonly List<float> _output = [];
    private float[] _scratch = [];
    private double _startPts = double.NaN;
    private long _consumed, _emitted, _skipped;

    /// <summary>Cleans a chunk; returns the cleaned samples available now and the media time of the first one.</summary>
    public (float[] Samples, double Pts) Process(ReadOnlySpan<float> samples, double pts)
    {
        if (double.IsNaN(_startPts) || Math.Abs(pts - (_startPts + _consumed / (double)sampleRate)) > 0.1) Restart(pts);
        if (_scratch.Length < samples.Length) _scratch = new float[samples.Length];
        var work = _scratch.AsSpan(0, samples.Length);
        samples.CopyTo(work);
        _highPass?.Process(work);
        _consumed += samples.Length;
        _output.Clear();
        if (_subtraction is null) _output.AddRange(work);
        else _subtraction.Process(work, _output);
        var skip = (int)Math.Min(_output.Count, (_subtraction is null ? 0 : SpectralSubtraction.Latency) - _skipped);
        _skipped += skip;
        var firstPts = _startPts + _emitted / (double)sampleRate;
        var cleaned = _output.Skip(skip).ToArray();
        _emitted += cleaned.Length;
        return (cleaned, firstPts);
    }

    private void Restart(double pts)
    {
        _highPass = settings.HighPassHz > 0 ? new HighPassFilter(settings.HighPassHz, sampleRate) : null;
        _subtraction = settings.Subtraction > 0 ? new SpectralSubtraction(settings, sampleRate) : null;
        _startPts = pts;
        _consumed = _emitted = _skipped = 0;
    }
}
