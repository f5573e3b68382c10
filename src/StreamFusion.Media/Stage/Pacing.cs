using System.Diagnostics;
using System.Globalization;
using StreamFusion.Media.Items;

namespace StreamFusion.Media.Stage;

/// <summary>How fast a recorded source is replayed: as fast as possible (Speed 0), or PTS-paced at Speed × real time.</summary>
public readonly record struct Pacing(double Speed)
{
    public static readonly Pacing AsFastAsPossible = new(0);
    public static readonly Pacing RealTime = new(1);

    public bool IsPaced => Speed > 0;

    /// <summary>"fast", "realtime", or a speed such as "2", "2x", "0.5x".</summary>
    public static bool TryParse(string text, out Pacing pacing)
    {
        text = text.Trim().ToLowerInvariant();
        pacing = default;
        if (text == "fast") pacing = AsFastAsPossible;
        else if (text == "realtime") pacing = RealTime;
        else if (double.TryParse(text.TrimEnd('x'), NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && double.IsFinite(speed))
            pacing = new Pacing(speed);
        else
            return false;
        return true;
    }
}

/// <summary>
/// Holds items back until the wall clock catches up with their PTS (scaled by the speed), and lets them out in PTS
/// order: a paced replay reads up to <see cref="ReadAhead"/> of media time ahead, so streams stored a little apart
/// in a file (audio behind the video of the same moment) each go out at their own time, as a camera sends them.
/// Unpaced, every item goes out as soon as it is read.
/// </summary>
internal sealed class Pacer(Pacing pacing)
{
    private const double ReadAhead = 0.5;
    private readonly Stopwatch _clock = new();
    private readonly PriorityQueue<MediaItem, (double Pts, long Order)> _held = new();
    private long _order;
    private double _firstPts = double.NaN;

    public void Hold(MediaItem item) => _held.Enqueue(item, (double.IsNaN(item.Pts) ? double.NegativeInfinity : item.Pts, _order++));

    /// <summary>The earliest held item, if nothing read later can come before it: <paramref name="readPts"/> is the
    /// latest PTS read (+∞ at the end of the input).</summary>
    public MediaItem? NextBefore(double readPts) =>
        _held.TryPeek(out _, out var key) && key.Pts <= readPts - (pacing.IsPaced ? ReadAhead : 0) ? _held.Dequeue() : null;

    public void DisposeHeld()
    {
        while (_held.TryDequeue(out var item, out _)) item.Dispose();
    }

    /// <summary>Blocks until the item is due; returns early (false) when cancelled.</summary>
    public bool Wait(double pts, CancellationToken cancellation)
    {
        if (!pacing.IsPaced || double.IsNaN(pts)) return true;
        if (double.IsNaN(_firstPts))
        {
            _firstPts = pts;
            _clock.Start();
            return true;
        }
        var due = DueIn(pts, _clock.Elapsed);
        return due <= TimeSpan.FromMilliseconds(1) || !cancellation.WaitHandle.WaitOne(due);
    }

    /// <summary>How long an item at <paramref name="pts"/> must still wait, <paramref name="elapsed"/> after the first item.</summary>
    internal TimeSpan DueIn(double pts, TimeSpan elapsed) => TimeSpan.FromSeconds((pts - _firstPts) / pacing.Speed) - elapsed;
}
