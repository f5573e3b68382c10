using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Tracking;
using static StreamFusion.Tests.Scene.SyntheticScene;

namespace StreamFusion.Tests.Scene;

/// <summary>Zones on synthetic tracks: inertia, exit grace through occlusions, loitering, crowding, standing still, filters.</summary>
public class ZoneTests
{
    private static SceneRules Door(Func<ZoneRule, ZoneRule>? change = null, double stationaryAfter = 30) =>
        new([(change ?? (z => z))(new ZoneRule("door", Square(0.4, 0.4, 0.6, 0.6)))], [], []) { StationaryAfter = stationaryAfter };

    /// <summary>Standing at (x, y) from <paramref name="start"/> for <paramref name="seconds"/>, 10 frames a second.</summary>
    private static IEnumerable<(double Pts, TrackedObject[] Objects)> Stand(int track, double x, double y, double seconds, double start = 0) =>
        Walk(track, (x, y), (x, y), seconds, start);

    private static string Kinds(IEnumerable<SceneEvent> events) => string.Join(" ", events.Select(e => $"{e.Kind}#{e.Track}"));

    [Fact]
    public void An_object_enters_after_inertia_frames_inside_and_its_dwell_counts_from_the_first()
    {
        var brief = Run(Door(), Walk(1, (0.3, 0.5), (0.7, 0.5), 0.4).Concat(Stand(1, 0.7, 0.5, 1, start: 0.5))); // two frames inside
        Assert.DoesNotContain(brief, e => e.Kind == SceneEventKinds.Enter);
        var events = Run(Door(), Stand(1, 0.5, 0.5, 2));
        var enter = events.Single(e => e.Kind == SceneEventKinds.Enter);
        Assert.Equal(0.2, enter.Pts, 3); // the third frame inside
        Assert.Equal(0.2, enter.Dwell!.Value, 3);
        Assert.Equal(2.0, events.Single(e => e.Kind == SceneEventKinds.Exit).Dwell!.Value, 3);
    }

    [Fact]
    public void Exit_grace_keeps_an_object_and_its_dwell_through_missed_detections()
    {
        // Inside for 3 s, unseen for 1.5 s (an occlusion: frames without it), inside again for 3 s.
        var gap = Enumerable.Range(31, 14).Select(i => (Pts: i / 10.0, Objects: Array.Empty<TrackedObject>()));
        var frames = Stand(1, 0.5, 0.5, 3).Concat(gap).Concat(Stand(1, 0.5, 0.5, 3, start: 4.5)).ToList();
        var kept = Run(Door(z => z with { ExitGrace = 2 }), frames);
        Assert.Equal("enter#1 exit#1", Kinds(kept));
        Assert.Equal(7.5, kept.Single(e => e.Kind == SceneEventKinds.Exit).Dwell!.Value, 3);
        var cut = Run(Door(z => z with { ExitGrace = 1 }), frames);
        Assert.Equal("enter#1 exit#1 enter#1 exit#1", Kinds(cut));
        Assert.Equal(4.1, cut.First(e => e.Kind == SceneEventKinds.Exit).Pts, 3); // the first frame after the grace ran out
    }

    [Fact]
    public void A_new_track_where_one_vanished_takes_its_place_and_dwell()
    {
        var frames = Stand(1, 0.5, 0.5, 3).Concat(Stand(2, 0.52, 0.5, 3, start: 3.6)).ToList();
        var events = Run(Door(z => z with { Loitering = 5 }), frames);
        Assert.Equal("enter#1 loiter_start#2 loiter_end#2 exit#2", Kinds(events));
        Assert.Equal(6.6, events.Single(e => e.Kind == SceneEventKinds.Exit).Dwell!.Value, 3);
        // Far from where it vanished, or after the grace, the new track is someone else.
        Assert.Equal("enter#1 enter#2 exit#1 exit#2", Kinds(Run(Door(), Walk(1, (0.42, 0.42), (0.42, 0.42), 3).Select(f => (f.Pts, new[] { Person(1, 0.42, 0.42, height: 0.05) }))
            .Concat(Walk(2, (0.58, 0.58), (0.58, 0.58), 3, start: 3.6).Select(f => (f.Pts, new[] { Person(2, 0.58, 0.58, height: 0.05) }))))));
    }

    [Fact]
    public void Two_ids_seen_at_once_were_two_objects_and_the_older_keeps_the_place()
    {
        var first = Stand(1, 0.5, 0.5, 3).ToList();
        var taken = Stand(2, 0.52, 0.5, 1, start: 3.5); // track 1 missed for a moment: track 2 takes its place
        var both = Stand(1, 0.5, 0.5, 2, start: 4.6).Select(f => (f.Pts, Objects: f.Objects.Append(Person(2, 0.52, 0.5)).ToArray()));
        var events = Run(Door(), first.Concat(taken).Concat(both));
        Assert.Equal("enter#1 enter#2 exit#1 exit#2", Kinds(events));
        Assert.Equal(6.6, events.First(e => e.Kind == SceneEventKinds.Exit).Dwell!.Value, 3);
    }

    [Fact]
    public void Loitering_starts_at_its_dwell_and_ends_when_the_loiterer_leaves()
    {
        var events = Run(Door(z => z with { Loitering = 10 }), Stand(1, 0.5, 0.5, 12).Concat(Walk(1, (0.5, 0.5), (0.9, 0.5), 1, start: 12.1)));
        Assert.Equal("enter#1 loiter_start#1 loiter_end#1 exit#1", Kinds(events));
        Assert.Equal(10, events.Single(e => e.Kind == SceneEventKinds.LoiterStart).Pts, 3);
        Assert.Equal(SceneEventKinds.LoiterEnd, events[^2].Kind);
    }

    [Fact]
    public void An_object_standing_still_is_marked_stationary_once_and_still_loiters()
    {
        var rules = Door(z => z with { Loitering = 8 }, stationaryAfter: 5);
        var scene = new SceneAnalyzer(rules);
        var events = new List<SceneEvent>();
        SceneFrame? last = null;
        foreach (var (pts, objects) in Stand(1, 0.5, 0.5, 12))
        {
            last = scene.Update(pts, objects, Size, Size, analysed: true);
            events.AddRange(last.Events);
        }
        Assert.Equal("enter#1 stationary#1 loiter_start#1", Kinds(events));
        Assert.Equal(5, events[1].Pts, 3);
        Assert.Contains(1, last!.Stationary);
        var occupant = last.Zones.Single().Occupants.Single();
        Assert.True(occupant is { Stationary: true, Loitering: true });
        // Swaying by less than the radius (a quarter of its height) is standing still; a step is not.
        var sway = new SceneAnalyzer(rules);
        foreach (var (pts, objects) in Stand(1, 0.5, 0.5, 6)) sway.Update(pts, [Person(1, 0.5 + (pts * 10 % 2 == 0 ? 0.02 : -0.02), 0.5)], Size, Size, true);
        Assert.Contains(1, sway.Update(6.1, [Person(1, 0.5, 0.5)], Size, Size, true).Stationary);
        Assert.DoesNotContain(1, sway.Update(6.2, [Person(1, 0.58, 0.5)], Size, Size, true).Stationary);
    }

    [Fact]
    public void More_objects_than_max_objects_is_crowding_until_one_leaves()
    {
        var three = Stand(1, 0.45, 0.5, 2).Select(f => (f.Pts, Objects: new[] { Person(1, 0.45, 0.5), Person(2, 0.5, 0.5), Person(3, 0.55, 0.55) }));
        var two = Stand(1, 0.45, 0.5, 3, start: 2.1).Select(f => (f.Pts, Objects: new[] { Person(1, 0.45, 0.5), Person(2, 0.5, 0.5) }));
        var events = Run(Door(z => z with { MaxObjects = 2, ExitGrace = 1 }), three.Concat(two), finish: false);
        var crowd = events.Where(e => e.Kind is SceneEventKinds.CrowdStart or SceneEventKinds.CrowdEnd).ToList();
        Assert.Equal([SceneEventKinds.CrowdStart, SceneEventKinds.CrowdEnd], crowd.Select(e => e.Kind));
        Assert.Equal(3, crowd[0].Count);
        Assert.Equal(2, crowd[1].Count);
        Assert.Equal(3.1, crowd[1].Pts, 3); // when the third one's grace ran out
    }

    [Fact]
    public void Only_objects_that_pass_the_zones_filters_count()
    {
        var frames = Stand(1, 0.5, 0.5, 1).Select(f => (f.Pts, Objects: new[]
        {
            Person(1, 0.5, 0.5, score: 0.3f), Person(2, 0.45, 0.45, label: "car"), Person(3, 0.55, 0.55, height: 0.02), Person(4, 0.5, 0.45),
        }));
        var events = Run(Door(z => z with { Objects = ["person"], MinScore = 0.5f, MinArea = 0.005 }), frames);
        Assert.Equal("enter#4 exit#4", Kinds(events));
    }

    [Fact]
    public void The_anchor_decides_who_is_inside()
    {
        // Feet below the zone, centre inside.
        var frames = Stand(1, 0.5, 0.65, 1);
        Assert.Empty(Run(Door(), frames));
        Assert.Equal("enter#1 exit#1", Kinds(Run(Door(z => z with { Anchor = AnchorPoint.Center }), frames)));
    }

    [Fact]
    public void Frames_the_motion_gate_skipped_move_dwell_on_but_count_no_inertia()
    {
        var scene = new SceneAnalyzer(Door(z => z with { Loitering = 3 }));
        var events = new List<SceneEvent>();
        events.AddRange(scene.Update(0, [Person(1, 0.5, 0.5)], Size, Size, analysed: true).Events);
        for (var i = 1; i <= 10; i++) events.AddRange(scene.Update(i / 10.0, [Person(1, 0.5, 0.5)], Size, Size, analysed: false).Events);
        Assert.Empty(events); // one analysed frame inside: not entered yet
        events.AddRange(scene.Update(1.1, [Person(1, 0.5, 0.5)], Size, Size, analysed: true).Events);
        events.AddRange(scene.Update(1.2, [Person(1, 0.5, 0.5)], Size, Size, analysed: true).Events);
        for (var i = 13; i <= 40; i++) events.AddRange(scene.Update(i / 10.0, [Person(1, 0.5, 0.5)], Size, Size, analysed: false).Events);
        Assert.Equal("enter#1 loiter_start#1", Kinds(events));
        Assert.Equal(3.0, events[1].Pts, 3); // a still loiterer is seen loitering on time, between detections
    }
}
