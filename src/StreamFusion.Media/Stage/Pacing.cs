using System.Diagnostics;
using System.Globalization;

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

/// <summary>Holds items back until the wall clock catches up with their PTS (scaled by the speed).</summary>
internal sealed class Pacer(Pacing pacing)
{
    private readonly Stopwatch _clock = new();
    private double _firstPts = double.NaN;

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
