using System.Numerics;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// Counts one line's crossings. Per track it keeps the last anchor that was clearly off the line (farther than the
/// hysteresis); the straight move from there to the next such anchor crosses the line or not. So touching the line
/// counts nothing, crossing back counts the other way, and a track lost mid-crossing counts nothing.
/// </summary>
internal sealed class LineCounter(LineRule rule, AnchorPoint anchor)
{
    private readonly TrackMemory<Vector2> _lastOffLine = new();

    private long _in, _out;

    public LineState State => new(rule.Name, _in, _out);

    public void Update(double pts, IReadOnlyList<SceneObject> objects, List<SceneEvent> events)
    {
        foreach (var o in objects)
        {
            if (!SceneObject.Counts(rule.Objects, o.Label)) continue;
            var point = o.AnchorAt(rule.Anchor ?? anchor);
            if (rule.Path.Distance(point) <= rule.Hysteresis)
            {
                _lastOffLine.Seen(o.Track, pts);
                continue;
            }
            if (_lastOffLine.TryGet(o.Track, out var last))
            {
                var net = rule.Path.Crossings(last, point);
                for (var i = 0; i < Math.Abs(net); i++)
                {
                    if (net > 0) _in++;
                    else _out++;
                    events.Add(new SceneEvent(SceneEventKinds.Cross, rule.Name, o.Track, o.Label, pts) { Direction = net > 0 ? "in" : "out" });
                }
            }
            _lastOffLine.Set(o.Track, point, pts);
        }
        _lastOffLine.Sweep(pts);
    }
}
