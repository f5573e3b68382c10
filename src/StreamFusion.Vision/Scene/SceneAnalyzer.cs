using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// The scene rules after tracking, frame by frame on the media clock: which objects stand still, then every
/// zone's enters, exits, loitering and crowding and every line's crossings, as events on the frame where they
/// happen. Frames the motion gate skipped carry the last objects: they move dwell on (a loiterer standing still is
/// still seen) but count no inertia frames.
/// </summary>
public sealed class SceneAnalyzer
{
    private readonly StationaryWatch _stationary;
    private readonly ZoneMonitor[] _zones;
    private readonly LineCounter[] _lines;
    private readonly TrackMemory<double> _firstSeen = new();

    public SceneAnalyzer(SceneRules rules)
    {
        _stationary = new StationaryWatch(rules);
        _zones = rules.Zones.Select(z => new ZoneMonitor(z, rules.Anchor)).ToArray();
        _lines = rules.Lines.Select(l => new LineCounter(l, rules.Anchor)).ToArray();
    }

    /// <param name="analysed">false for a frame the motion gate skipped (its objects are the last analysis')</param>
    public SceneFrame Update(double pts, IReadOnlyList<TrackedObject> objects, int width, int height, bool analysed)
    {
        var scene = new List<SceneObject>(objects.Count);
        foreach (var o in objects)
        {
            var first = _firstSeen.TryGet(o.TrackId, out var since) ? since : pts;
            _firstSeen.Set(o.TrackId, first, pts);
            scene.Add(new SceneObject(o.TrackId, o.Detection.Label, o.Detection.Score, o.Detection.Box.Normalize(width, height), first));
        }
        _firstSeen.Sweep(pts);
        var events = new List<SceneEvent>();
        if (analysed) _stationary.Update(pts, scene);
        foreach (var zone in _zones) zone.Update(pts, scene, analysed, _stationary.Stationary, events);
        if (analysed)
            foreach (var line in _lines) line.Update(pts, scene, events);
        return Snapshot(events);
    }

    /// <summary>End of input: objects still in zones leave, crowding ends.</summary>
    public SceneFrame Finish(double pts)
    {
        var events = new List<SceneEvent>();
        foreach (var zone in _zones) zone.Finish(pts, events);
        return Snapshot(events);
    }

    private SceneFrame Snapshot(List<SceneEvent> events) =>
        new(events, _zones.Select(z => z.State(_stationary.Stationary)).ToList(), _lines.Select(l => l.State).ToList(), new HashSet<int>(_stationary.Stationary));
}
