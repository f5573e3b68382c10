using System.Numerics;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// Which tracks stand still: an object whose anchor stays within a radius (a fraction of its height) of where it
/// stopped for <see cref="SceneRules.StationaryAfter"/> seconds is stationary until it moves out of that radius.
/// </summary>
internal sealed class StationaryWatch(SceneRules rules)
{
    private const double ForgetAfter = 30;
    private readonly Dictionary<int, (Vector2 RestingAt, double Since, double Seen)> _tracks = [];
    private readonly HashSet<int> _stationary = [];

    public IReadOnlySet<int> Stationary => _stationary;

    public void Update(double pts, IReadOnlyList<SceneObject> objects)
    {
        foreach (var o in objects)
        {
            var anchor = o.AnchorAt(rules.Anchor);
            var radius = (float)(rules.StationaryRadius * o.Box.Height);
            if (!_tracks.TryGetValue(o.Track, out var track) || Vector2.Distance(track.RestingAt, anchor) > radius)
            {
                _tracks[o.Track] = (anchor, pts, pts);
                _stationary.Remove(o.Track);
                continue;
            }
            _tracks[o.Track] = track with { Seen = pts };
            if (pts - track.Since >= rules.StationaryAfter) _stationary.Add(o.Track);
        }
        foreach (var gone in _tracks.Where(t => pts - t.Value.Seen > ForgetAfter).Select(t => t.Key).ToList())
        {
            _tracks.Remove(gone);
            _stationary.Remove(gone);
        }
    }
}
