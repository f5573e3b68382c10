using System.Numerics;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Tests.Scene;

/// <summary>The plaza (vtest_480x360.avi): pedestrians walking across a line and through a zone, one of them staying.</summary>
public class PlazaSceneTests(PlazaSceneTests.Run plaza) : IClassFixture<PlazaSceneTests.Run>
{
    public const string Rules = """
        zones:
          - name: east
            points: [[0.6, 0.3], [1.0, 0.3], [1.0, 0.8], [0.6, 0.8]]
            objects: [person]
            loitering: 20s   # the longest stay but one is 16.7 s; one pedestrian stays about 40 s
        lines:
          - name: middle
            points: [[0.5, 0.3], [0.5, 0.95]]
            objects: [person]
        """;

    private static readonly Vector2 LineStart = new(0.5f, 0.3f), LineEnd = new(0.5f, 0.95f);
    private const float Hysteresis = 0.01f;

    public sealed class Run() : DetectRun(TestAssets.Media("vtest_480x360.avi"), Rules, "--classes", "person");

    [Fact]
    public void Line_crossings_per_direction_equal_an_independent_count_from_the_trackers_own_boxes()
    {
        var (inbound, outbound) = (0, 0);
        foreach (var track in plaza.Frames.Where(f => !f.Carried).SelectMany(f => f.Objects).GroupBy(o => o.Track))
        {
            // Signed distance to the line: on which hand of its drawn direction the feet are (negative: left).
            float? lastSide = null;
            Vector2 lastPoint = default;
            foreach (var feet in track.Select(o => o.Feet))
            {
                if (DistanceToSegment(feet) <= Hysteresis) continue;
                var side = Side(feet);
                if (lastSide is { } before && Math.Sign(before) != Math.Sign(side) && CrossesWithinSegment(lastPoint, feet))
                {
                    if (before < 0) inbound++; // left hand to right hand
                    else outbound++;
                }
                (lastSide, lastPoint) = (side, feet);
            }
        }
        Assert.True(inbound + outbound >= 10, $"the footage should have pedestrians crossing: {inbound} in, {outbound} out");
        Assert.Equal(inbound, plaza.Events.Count(e => e is { Kind: "cross", Direction: "in" }));
        Assert.Equal(outbound, plaza.Events.Count(e => e is { Kind: "cross", Direction: "out" }));
    }

    [Fact]
    public void The_zone_reports_enters_and_exits_in_pairs_and_one_loiterer()
    {
        Assert.True(plaza.Count("enter", "east") >= 15, $"{plaza.Count("enter", "east")} enters");
        Assert.Equal(plaza.Count("enter", "east"), plaza.Count("exit", "east"));
        var loiter = Assert.Single(plaza.Events, e => e.Kind == "loiter_start");
        Assert.Equal(20, loiter.Dwell!.Value, 1);
        var end = Assert.Single(plaza.Events, e => e.Kind == "loiter_end");
        Assert.InRange(end.Dwell!.Value, 30, 50); // followed through two losses of its track (ids 28 → 39 → 61)
        Assert.All(plaza.Events.Where(e => e.Kind == "exit"), e => Assert.True(e.Dwell >= 0));
        Assert.Contains("loitering in 'east'", plaza.Stderr); // as it happened, in the log
    }

    [Fact]
    public void Exit_grace_keeps_a_real_track_inside_through_a_gap_of_missed_detections()
    {
        var frames = plaza.Frames.Where(f => !f.Carried).ToList();
        var zone = new ZoneRule("east", SyntheticScene.Square(0.6, 0.3, 1.0, 0.8)) { Objects = ["person"] };
        // The pedestrian with the longest unbroken stay in the zone; 1.2 s of its detections are dropped mid-stay.
        var (track, from, to) = LongestStay(frames, zone);
        Assert.True(to - from >= 8, $"track {track} stays {to - from:F1}s");
        var gapStart = Math.Round((from + to) / 2, 1);
        var withGap = frames.Select(f => (f.Pts, Objects: f.Objects.Where(o => o.Track != track || f.Pts < gapStart || f.Pts >= gapStart + 1.2).ToList())).ToList();

        List<SceneEvent> Follow(double grace) => SyntheticScene.Run(new SceneRules([zone with { ExitGrace = grace }], [], []),
            withGap.Select(f => (f.Pts, f.Objects.Select(Tracked).ToArray())));
        List<SceneEvent> During(List<SceneEvent> events) => events.Where(e => e.Track == track && e.Pts >= from && e.Pts <= to).ToList();
        var kept = During(Follow(2));
        Assert.Equal([SceneEventKinds.Enter], kept.Select(e => e.Kind)); // entered once, still inside at the end of its stay
        var cut = During(Follow(0.5));
        Assert.Equal([SceneEventKinds.Enter, SceneEventKinds.Exit, SceneEventKinds.Enter], cut.Select(e => e.Kind));
        Assert.InRange(cut[1].Pts, gapStart, gapStart + 1.2);
    }

    /// <summary>The track inside the zone over the longest run of consecutive analysed frames.</summary>
    private static (int Track, double From, double To) LongestStay(List<DetectRun.Frame> frames, ZoneRule zone)
    {
        var best = (Track: 0, From: 0.0, To: 0.0);
        foreach (var group in frames.SelectMany(f => f.Objects.Select(o => (f.Pts, o))).GroupBy(x => x.o.Track))
        {
            double? start = null;
            var previous = double.NaN;
            foreach (var (pts, o) in group)
            {
                var inside = zone.Area.Contains(o.Feet);
                if (inside && (start is null || pts - previous > 0.25)) start = pts;
                if (!inside) start = null;
                if (start is { } s && pts - s > best.To - best.From) best = (group.Key, s, pts);
                previous = pts;
            }
        }
        return best;
    }

    private static TrackedObject Tracked(DetectRun.Box b) =>
        new(new DetectedObject(0, b.Label, b.Score, new BoundingBox(b.X * SyntheticScene.Size, b.Y * SyntheticScene.Size, b.W * SyntheticScene.Size, b.H * SyntheticScene.Size)),
            b.Track, TrackState.Confirmed);

    private static float Side(Vector2 p)
    {
        var d = LineEnd - LineStart;
        var v = p - LineStart;
        return (d.X * v.Y - d.Y * v.X) / d.Length();
    }

    private static float DistanceToSegment(Vector2 p)
    {
        var d = LineEnd - LineStart;
        var t = Math.Clamp(Vector2.Dot(p - LineStart, d) / d.LengthSquared(), 0, 1);
        return Vector2.Distance(p, LineStart + t * d);
    }

    /// <summary>Whether the straight move meets the line between its two ends (not on its extension).</summary>
    private static bool CrossesWithinSegment(Vector2 a, Vector2 b)
    {
        var (sa, sb) = (Side(a), Side(b));
        var meet = a + (b - a) * (sa / (sa - sb));
        var d = LineEnd - LineStart;
        var t = Vector2.Dot(meet - LineStart, d) / d.LengthSquared();
        return t is >= 0 and <= 1;
    }
}
