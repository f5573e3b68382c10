using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Evidence;

/// <summary>One analysed frame's pixels (BGR) and what was detected in it, as kept for a snapshot.</summary>
public sealed class KeptFrame
{
    internal long Window = long.MinValue;
    internal byte[] Buffer = [];

    public double Pts { get; internal set; }
    public int Width { get; internal set; }
    public int Height { get; internal set; }
    public ReadOnlySpan<byte> Bgr => Buffer.AsSpan(0, Width * Height * 3);
    public IReadOnlyList<DetectedObject> Objects { get; internal set; } = [];
    /// <summary>Each object's track id once the tracker has seen the frame (0: none, or not yet).</summary>
    public int[] TrackIds { get; internal set; } = [];
    /// <summary>The highest detection score in the frame: what makes one frame of a window tell more than another.</summary>
    public float Best { get; internal set; }
}

/// <summary>
/// Keeps, per fusion window, a copy of its most telling analysed frame (the highest detection score; the first
/// one on ties), for incident snapshots: the fuser closes a window after its frames are gone. A fixed number of
/// slots, one per recent window, each with its own pixel buffer reused for every frame: a camera's evidence costs
/// slots × frame size, with no allocation per frame. Detector threads offer frames; the fuse stage renders them.
/// </summary>
/// <param name="keepWindows">windows kept: enough to cover how long fusion may hold a window open</param>
public sealed class FrameKeeper(double windowSeconds, int keepWindows)
{
    private readonly KeptFrame[] _slots = [.. Enumerable.Range(0, Math.Max(2, keepWindows)).Select(_ => new KeptFrame())];
    private readonly Lock _gate = new();

    /// <summary>Windows to keep when fusion may close a window as late as <paramref name="holdSeconds"/> after its end.</summary>
    public static int WindowsFor(double windowSeconds, double holdSeconds) => (int)Math.Ceiling(holdSeconds / windowSeconds) + 3;

    public void Offer(double pts, ReadOnlySpan<byte> bgr, int width, int height, IReadOnlyList<DetectedObject> objects)
    {
        var window = WindowOf(pts);
        var best = objects.Count == 0 ? 0 : objects.Max(o => o.Score);
        lock (_gate)
        {
            var slot = _slots[(int)(((window % _slots.Length) + _slots.Length) % _slots.Length)];
            if (slot.Window > window) return; // a frame from before the windows kept
            if (slot.Window == window && (slot.Best > best || slot.Best == best && slot.Pts <= pts)) return;
            var bytes = width * height * 3;
            if (slot.Buffer.Length < bytes) slot.Buffer = new byte[bytes];
            bgr[..bytes].CopyTo(slot.Buffer);
            (slot.Window, slot.Pts, slot.Width, slot.Height, slot.Best) = (window, pts, width, height, best);
            slot.Objects = [.. objects];
            slot.TrackIds = new int[objects.Count];
        }
    }

    /// <summary>The tracker's ids for a frame's objects, in frame order after detection; names them on the kept frame, if it is that one.</summary>
    public void Tracked(double pts, IReadOnlyList<TrackedObject> objects)
    {
        lock (_gate)
        {
            if (Slot(WindowOf(pts)) is not { } kept || kept.Pts != pts) return;
            for (var i = 0; i < kept.Objects.Count; i++)
                foreach (var tracked in objects)
                    if (ReferenceEquals(tracked.Detection, kept.Objects[i])) kept.TrackIds[i] = tracked.TrackId;
        }
    }

    /// <summary>Hands the window's kept frame to <paramref name="use"/> (under the keeper's lock: the pixels are reused later); default when none.</summary>
    public T? With<T>(double windowStart, Func<KeptFrame, T> use)
    {
        lock (_gate) return Slot(WindowOf(windowStart + 1e-9)) is { } kept ? use(kept) : default;
    }

    private KeptFrame? Slot(long window)
    {
        var slot = _slots[(int)(((window % _slots.Length) + _slots.Length) % _slots.Length)];
        return slot.Window == window ? slot : null;
    }

    private long WindowOf(double pts) => (long)Math.Floor(pts / windowSeconds + 1e-9);
}
