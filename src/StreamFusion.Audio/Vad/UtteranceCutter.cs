namespace StreamFusion.Audio.Vad;

/// <summary>
/// Cuts utterances out of a stream for speech recognition, as voice activity finds them: speech segments with pauses
/// shorter than <see cref="ShortestPause"/> between them are one utterance (a word is never split), each clip has
/// <see cref="Padding"/> of audio either side so word edges are not cut, and speech that runs on past
/// <see cref="Longest"/> is cut there so results keep coming. Only the last few seconds of audio are kept.
/// </summary>
public sealed class UtteranceCutter(int sampleRate)
{
    public const double Padding = 0.2;
    public const double ShortestPause = 0.5;
    public const double Longest = 15;

    private float[] _samples = new float[sampleRate * 4];
    private int _count;
    private double _bufferStart = double.NaN; // media time of _samples[0]
    private double? _start;                   // the utterance being joined: first speech and last speech end
    private double _end;
    private double _cutAt = double.NegativeInfinity; // a forced cut: speech before it has been handed over

    /// <summary>
    /// Media time before which every utterance has been handed over: the clock itself when nobody is speaking,
    /// else where the speech still being heard or joined began.
    /// </summary>
    public double SettledBefore { get; private set; } = double.NegativeInfinity;

    /// <summary>
    /// Takes the next chunk of audio (contiguous with the last unless <see cref="Restart"/> was called) and what
    /// voice activity made of it.
    /// </summary>
    /// <param name="openSince">where the speech segment still open began; null when none is</param>
    /// <param name="closed">a segment that closed with this chunk</param>
    /// <param name="clips">receives the utterances that are complete</param>
    public void Push(ReadOnlySpan<float> chunk, double pts, double? openSince, SpeechSegment? closed, List<SpeechClip> clips)
    {
        if (double.IsNaN(_bufferStart)) _bufferStart = pts;
        Append(chunk);
        var now = pts + chunk.Length / (double)sampleRate;
        var floor = Math.Max(_cutAt, _bufferStart); // speech before it was handed over, or was heard before a jump in the clock
        if (closed is not null)
        {
            var start = Math.Max(closed.Start, floor);
            if (_start is not null && start - _end >= ShortestPause) Cut(_start.Value, _end, clips);
            if (closed.End > start)
            {
                _start ??= start;
                _end = closed.End;
            }
        }
        if (_start is not null && now - _end >= ShortestPause && (openSince is null || openSince - _end >= ShortestPause)) Cut(_start.Value, _end, clips);
        if (Begun(openSince, floor) is { } first && now - first >= Longest)
        {
            Cut(first, now, clips);
            _cutAt = floor = now;
        }
        var begun = Begun(openSince, floor);
        SettledBefore = begun is { } b ? Math.Min(now, b - Padding) : now;
        Forget(Math.Min(begun ?? now, now - ShortestPause) - Padding);
    }

    private double? Begun(double? openSince, double floor) => _start ?? (openSince is { } open ? Math.Max(open, floor) : null);

    /// <summary>The clock jumped or the stream ended: hands over what was being joined (<paramref name="openSince"/>: speech still open, up to the end).</summary>
    public void Restart(double? openSince, List<SpeechClip> clips)
    {
        var end = _bufferStart + _count / (double)sampleRate;
        if (!double.IsNaN(end) && Begun(openSince, Math.Max(_cutAt, _bufferStart)) is { } first)
            Cut(first, _start is not null && openSince is null ? _end : end, clips); // what was joined ends at its last speech
        _count = 0;
        _bufferStart = double.NaN;
        _cutAt = double.NegativeInfinity;
        SettledBefore = double.NegativeInfinity;
    }

    private void Cut(double start, double end, List<SpeechClip> clips)
    {
        _start = null;
        var first = Math.Clamp((int)Math.Round((start - Padding - _bufferStart) * sampleRate), 0, _count);
        var last = Math.Clamp((int)Math.Round((end + Padding - _bufferStart) * sampleRate), first, _count);
        if (last - first < sampleRate / 10) return; // a tenth of a second is no utterance
        clips.Add(new SpeechClip(_bufferStart + first / (double)sampleRate, _samples[first..last], sampleRate));
    }

    private void Append(ReadOnlySpan<float> chunk)
    {
        if (_count + chunk.Length > _samples.Length) Array.Resize(ref _samples, Math.Max(_samples.Length * 2, _count + chunk.Length));
        chunk.CopyTo(_samples.AsSpan(_count));
        _count += chunk.Length;
    }

    /// <summary>Drops audio before <paramref name="before"/>: nothing earlier can become part of a clip.</summary>
    private void Forget(double before)
    {
        var drop = Math.Clamp((int)((before - _bufferStart) * sampleRate), 0, _count);
        if (drop < sampleRate) return; // compact a second at a time
        _samples.AsSpan(drop, _count - drop).CopyTo(_samples);
        _count -= drop;
        _bufferStart += drop / (double)sampleRate;
    }
}
