using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Evidence;

/// <summary>A copy of one analysed frame's pixels (BGR) and what was detected in it.</summary>
public sealed record KeptFrame(double Pts, int Width, int Height, byte[] Bgr, IReadOnlyList<DetectedObject> Objects)
{
    /// <summary>The highest detection score in the frame: what makes one frame of a window tell more than another.</summary>
    public float Best { get; } = Objects.Count == 0 ? 0 : Objects.Max(o => o.Score);
}

/// <summary>
/// Keeps, per fusion window, a copy of its most telling analysed frame (the highest detection score; the first
/// one on ties), for incident snapshots: the fuser closes a window after its frames are gone. Only the last
/// windows are kept. Detector threads offer frames; the fuse stage takes them.
/// </summary>
public sealed class FrameKeeper(double windowSeconds, int keepWindows = 30)
{
    private readonly SortedDictionary<long, KeptFrame> _frames = [];
    private readonly Lock _gate = new();

    public void Offer(double pts, ReadOnlySpan<byte> bgr, int width, int height, IReadOnlyList<DetectedObject> objects)
    {
        var index = WindowOf(pts);
        var best = objects.Count == 0 ? 0 : objects.Max(o => o.Score);
        lock (_gate)
        {
            if (_frames.TryGetValue(index, out var kept) && (kept.Best > best || kept.Best == best && kept.Pts <= pts)) return;
        }
        var frame = new KeptFrame(pts, width, height, bgr.ToArray(), [.. objects]); // copied outside the lock
        lock (_gate)
        {
            if (_frames.TryGetValue(index, out var kept) && (kept.Best > best || kept.Best == best && kept.Pts <= pts)) return;
            _frames[index] = frame;
            while (_frames.Count > keepWindows) _frames.Remove(_frames.Keys.First());
        }
    }

    /// <summary>The window's kept frame, if any (it stays kept).</summary>
    public KeptFrame? Frame(double windowStart)
    {
        lock (_gate) return _frames.GetValueOrDefault(WindowOf(windowStart + 1e-9));
    }

    private long WindowOf(double pts) => (long)Math.Floor(pts / windowSeconds + 1e-9);
}
