namespace StreamFusion.Media.Live;

/// <summary>
/// When media times were captured: the decode stage notes (PTS, arrival wall time) as items are delivered, and the
/// fusion stage asks for the wall time of a window's start and end, the transcript reader for the media time of
/// a wall-clock instant. Samples are kept every 50 ms of media time for the last 2 minutes; the first item to
/// reach a media time sets it, so audio interleaved a little behind the video does not move the clock.
/// </summary>
public sealed class CaptureClock
{
    private const double SampleEvery = 0.05;
    private const int Capacity = 2400;
    /// <summary>A step back in media time larger than this is a new stream, not interleaving.</summary>
    private const double NewStreamJump = 5;
    private readonly object _gate = new();
    private readonly Queue<(double Pts, DateTimeOffset At)> _samples = new();
    private (double Pts, DateTimeOffset At)? _latest;

    public void Note(double pts, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_latest is { } latest)
            {
                if (pts < latest.Pts - NewStreamJump) _samples.Clear();
                else if (pts < latest.Pts + SampleEvery) return;
            }
            _latest = (pts, at);
            _samples.Enqueue((pts, at));
            if (_samples.Count > Capacity) _samples.Dequeue();
        }
    }

    /// <summary>Wall time at which media time <paramref name="pts"/> was (or will be) captured; null before any item.</summary>
    public DateTimeOffset? WallTimeAt(double pts)
    {
        lock (_gate)
        {
            if (_latest is null) return null;
            var anchor = _samples.Peek();
            foreach (var sample in _samples)
            {
                if (sample.Pts > pts) break;
                anchor = sample;
            }
            return anchor.At + TimeSpan.FromSeconds(pts - anchor.Pts);
        }
    }

    /// <summary>Media time at a wall-clock instant, extrapolated from the latest item; null before any item.</summary>
    public double? MediaTimeAt(DateTimeOffset instant)
    {
        lock (_gate) return _latest is { } latest ? latest.Pts + (instant - latest.At).TotalSeconds : null;
    }
}
