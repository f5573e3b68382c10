using System.Numerics;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// Which tracks stand still: an object whose anchor stays within a radius (a fraction of its height) of where it
/// stopped for <see cref="SceneRules.StationaryAfter"/> seconds is stationary until it moves out of that radius.
/// </summary>
internal sealed class StationaryWatch(SceneRules rules)
{
    private readonly TrackMemory<(Vector2 RestingAt, double Since)> _tracks = new();
    private readonly HashSet<int> _stationary = [];

    public IReadOnlySet<int> Stationary => _stationary;

    public void Update(double pts, IReadOnlyList<SceneObject> objects)
    {
        foreach (var o in objects)
        {
            var anchor = o.AnchorAt(rules.Anchor);
            var radius = (float)(rules.StationaryRadius * o.Box.Height);
            if (!_tracks.TryGet(o.Track, out var track) || Vector2.Distance(track.RestingAt, anchor) > radius)
            {
                _tracks.Set(o.Track, (anchor, pts), pts);
                _stationary.Remove(o.Track);
                continue;
            }
            _tracks.Seen(o.Track, pts);
            if (pts - track.Since >= rules.StationaryAfter) _stationary.Add(o.Track);
        }
        _tracks.Sweep(pts, gone => _stationary.Remove(gone));
    }
}
