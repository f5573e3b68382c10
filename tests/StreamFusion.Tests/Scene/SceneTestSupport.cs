using System.Numerics;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Scene.Geometry;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Tests.Scene;

/// <summary>Synthetic tracks for the scene rules: objects placed by their anchor (bottom centre) on a 1000×1000 frame.</summary>
public static class SyntheticScene
{
    public const int Size = 1000;

    /// <summary>A person whose feet stand at (x, y), normalised; 0.1 wide and 0.2 tall.</summary>
    public static TrackedObject Person(int track, double x, double y, float score = 0.9f, string label = "person", double height = 0.2) =>
        new(new DetectedObject(0, label, score, new BoundingBox((float)((x - 0.05) * Size), (float)((y - height) * Size), 0.1f * Size, (float)(height * Size))), track, TrackState.Confirmed);

    public static Polygon Square(double left, double top, double right, double bottom) =>
        new([new((float)left, (float)top), new((float)right, (float)top), new((float)right, (float)bottom), new((float)left, (float)bottom)]);

    public static Polyline Line(params (double X, double Y)[] points) => new(points.Select(p => new Vector2((float)p.X, (float)p.Y)).ToArray());

    /// <summary>Feeds one frame per entry (pts, objects) as analysed frames and returns every event, with the end's.</summary>
    public static List<SceneEvent> Run(SceneRules rules, IEnumerable<(double Pts, TrackedObject[] Objects)> frames, bool finish = true)
    {
        var scene = new SceneAnalyzer(rules);
        var events = new List<SceneEvent>();
        var last = 0.0;
        foreach (var (pts, objects) in frames)
        {
            events.AddRange(scene.Update(pts, objects, Size, Size, analysed: true).Events);
            last = pts;
        }
        if (finish) events.AddRange(scene.Finish(last).Events);
        return events;
    }

    /// <summary>A walk at 10 frames a second from one anchor to another over the given seconds.</summary>
    public static IEnumerable<(double Pts, TrackedObject[] Objects)> Walk(int track, (double X, double Y) from, (double X, double Y) to, double seconds, double start = 0)
    {
        var frames = (int)Math.Round(seconds * 10);
        for (var i = 0; i <= frames; i++)
        {
            var t = frames == 0 ? 1 : i / (double)frames;
            yield return (Math.Round(start + i / 10.0, 3), [Person(track, from.X + (to.X - from.X) * t, from.Y + (to.Y - from.Y) * t)]);
        }
    }
}
