namespace StreamFusion.Audio.Vad;

/// <summary>A span of speech on the media clock.</summary>
public sealed record SpeechSegment(double Start, double End);

/// <summary>
/// Turns per-chunk speech probabilities into segments with hysteresis (Silero's defaults): speech starts at
/// probability ≥ 0.5, ends after 100 ms below 0.35, and segments shorter than 250 ms are dropped.
/// </summary>
public sealed class SpeechSegmenter(double onThreshold = 0.5, double offThreshold = 0.35, double minSilence = 0.1, double minSpeech = 0.25)
{
    private double? _start;
    private double _lastSpeechEnd;
    private double _quietSince = double.NaN;

    /// <summary>Where the segment still open began; null between segments.</summary>
    public double? OpenSince => _start;

    /// <returns>a segment when one has just ended</returns>
    public SpeechSegment? Push(double pts, double duration, float probability)
    {
        if (_start is null)
        {
            if (probability < onThreshold) return null;
            _start = pts;
            _lastSpeechEnd = pts + duration;
            _quietSince = double.NaN;
            return null;
        }
        if (probability >= offThreshold)
        {
            _lastSpeechEnd = pts + duration;
            _quietSince = double.NaN;
            return null;
        }
        if (double.IsNaN(_quietSince)) _quietSince = pts;
        return pts + duration - _quietSince >= minSilence ? Close() : null;
    }

    public SpeechSegment? Finish() => _start is null ? null : Close();

    private SpeechSegment? Close()
    {
        var segment = new SpeechSegment(_start!.Value, _lastSpeechEnd);
        _start = null;
        _quietSince = double.NaN;
        return segment.End - segment.Start >= minSpeech ? segment : null;
    }
}
