using System.Diagnostics;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Bench;

/// <summary>The scene rules alone: time per frame for a crowd of objects walking through them.</summary>
public static class SceneRulesBench
{
    /// <summary>Microseconds per frame for <paramref name="objects"/> tracked objects walking about, after a warm-up.</summary>
    public static double MicrosecondsPerFrame(SceneRules rules, int objects = 20, int frames = 20_000)
    {
        const int Size = 1000;
        var random = new Random(7);
        var walkers = Enumerable.Range(1, objects).Select(i => (Track: i, X: random.NextDouble(), Y: random.NextDouble(), Dx: random.NextDouble() * 0.02 - 0.01, Dy: random.NextDouble() * 0.02 - 0.01)).ToArray();
        var scene = new SceneAnalyzer(rules);
        var clock = new Stopwatch();
        for (var frame = 0; frame < frames; frame++)
        {
            var tracked = new List<TrackedObject>(objects);
            for (var i = 0; i < walkers.Length; i++)
            {
                var w = walkers[i];
                (w.X, w.Y) = (Bounce(w.X + w.Dx, ref w.Dx), Bounce(w.Y + w.Dy, ref w.Dy));
                walkers[i] = w;
                tracked.Add(new TrackedObject(new DetectedObject(0, "person", 0.8f, new BoundingBox((float)(w.X * Size) - 20, (float)(w.Y * Size) - 80, 40, 80)), w.Track, TrackState.Confirmed));
            }
            if (frame == frames / 10) clock.Start(); // the first tenth warms up
            scene.Update(frame / 10.0, tracked, Size, Size, analysed: true);
        }
        return clock.Elapsed.TotalMicroseconds / (frames - frames / 10);
    }

    private static double Bounce(double position, ref double speed)
    {
        if (position is >= 0 and <= 1) return position;
        speed = -speed;
        return Math.Clamp(position, 0, 1);
    }
}
