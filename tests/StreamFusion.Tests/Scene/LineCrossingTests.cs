using StreamFusion.Vision.Scene;
using static StreamFusion.Tests.Scene.SyntheticScene;

namespace StreamFusion.Tests.Scene;

/// <summary>Line crossing on synthetic tracks: the edge cases a count must get right.</summary>
public class LineCrossingTests
{
    // Drawn left to right: its left-hand side is above it on the screen, so walking down the frame across it is "in".
    private static readonly SceneRules Gate = new([], [new LineRule("gate", Line((0.2, 0.5), (0.8, 0.5)))], []);

    private static (int In, int Out) Count(IEnumerable<(double, StreamFusion.Vision.Tracking.TrackedObject[])> frames, SceneRules? rules = null)
    {
        var crossings = Run(rules ?? Gate, frames).Where(e => e.Kind == SceneEventKinds.Cross).ToList();
        Assert.All(crossings, e => Assert.Equal("gate", e.Rule));
        return (crossings.Count(e => e.Direction == "in"), crossings.Count(e => e.Direction == "out"));
    }

    [Fact]
    public void Walking_down_across_is_in_and_walking_back_up_is_out()
    {
        Assert.Equal((1, 0), Count(Walk(1, (0.5, 0.3), (0.5, 0.7), 2)));
        Assert.Equal((0, 1), Count(Walk(1, (0.5, 0.7), (0.5, 0.3), 2)));
        Assert.Equal((1, 1), Count(Walk(1, (0.5, 0.3), (0.5, 0.7), 2).Concat(Walk(1, (0.5, 0.7), (0.5, 0.3), 2, start: 2.1))));
    }

    [Fact]
    public void Touching_the_line_and_turning_back_counts_nothing()
    {
        Assert.Equal((0, 0), Count(Walk(1, (0.5, 0.3), (0.5, 0.5), 1).Concat(Walk(1, (0.5, 0.5), (0.5, 0.3), 1, start: 1.1))));
        Assert.Equal((0, 0), Count(Walk(1, (0.5, 0.3), (0.5, 0.505), 1).Concat(Walk(1, (0.5, 0.505), (0.5, 0.3), 1, start: 1.1)))); // within the hysteresis
    }

    [Fact]
    public void Crossing_twice_counts_twice()
    {
        var there = Walk(1, (0.4, 0.3), (0.4, 0.7), 1);
        var back = Walk(1, (0.4, 0.7), (0.4, 0.3), 1, start: 1.1);
        var again = Walk(1, (0.4, 0.3), (0.4, 0.7), 1, start: 2.2);
        Assert.Equal((2, 1), Count(there.Concat(back).Concat(again)));
    }

    [Fact]
    public void A_track_lost_mid_crossing_counts_nothing_even_when_a_new_track_goes_on()
    {
        var lost = Walk(1, (0.5, 0.3), (0.5, 0.5), 1); // gone while on the line
        var successor = Walk(2, (0.5, 0.52), (0.5, 0.8), 1, start: 1.5);
        Assert.Equal((0, 0), Count(lost.Concat(successor)));
        // Lost just before the line and found again under the same id beyond it: that is one crossing.
        Assert.Equal((1, 0), Count(Walk(1, (0.5, 0.3), (0.5, 0.45), 1).Concat(Walk(1, (0.5, 0.6), (0.5, 0.8), 1, start: 2))));
    }

    [Fact]
    public void Jitter_on_the_line_counts_once_for_the_crossing_it_makes()
    {
        var approach = Walk(1, (0.5, 0.3), (0.5, 0.495), 1).ToList();
        var jitter = Enumerable.Range(0, 30).Select(i => (Pts: 1.1 + i / 10.0, Objects: new[] { Person(1, 0.5, i % 2 == 0 ? 0.505 : 0.495) }));
        var onward = Walk(1, (0.5, 0.505), (0.5, 0.7), 1, start: 4.2);
        Assert.Equal((0, 0), Count(approach.Concat(jitter)));
        Assert.Equal((1, 0), Count(approach.Concat(jitter).Concat(onward)));
        // Without hysteresis every flicker is a crossing: the setting is what prevents it.
        var bare = new SceneRules([], [new LineRule("gate", Line((0.2, 0.5), (0.8, 0.5))) { Hysteresis = 0 }], []);
        Assert.True(Count(approach.Concat(jitter), bare).In >= 10);
    }

    [Fact]
    public void Passing_beyond_the_end_of_the_line_is_not_a_crossing()
    {
        Assert.Equal((0, 0), Count(Walk(1, (0.9, 0.3), (0.9, 0.7), 2)));
        Assert.Equal((0, 0), Count(Walk(1, (0.1, 0.3), (0.1, 0.7), 2)));
    }

    [Fact]
    public void A_polyline_counts_each_segment_crossed_and_a_bend_once()
    {
        var bent = new SceneRules([], [new LineRule("gate", Line((0.2, 0.5), (0.5, 0.5), (0.5, 0.8)))], []);
        // Through the bend itself from the inner side to the outer: one crossing, not one per segment.
        Assert.Equal((0, 1), Count(Walk(1, (0.4, 0.6), (0.6, 0.4), 2), bent));
        // Grazing the corner from outside to outside: none.
        Assert.Equal((0, 0), Count(Walk(1, (0.4, 0.4), (0.6, 0.6), 2), bent));
        // Across the horizontal part down (in), then across the vertical part: it was drawn downwards, so its
        // left-hand side is to the screen's right; walking from the left of the screen to the right is "out".
        Assert.Equal((0, 1), Count(Walk(1, (0.3, 0.7), (0.7, 0.7), 2), bent));
    }

    [Fact]
    public void Only_the_lines_labels_count()
    {
        var people = new SceneRules([], [new LineRule("gate", Line((0.2, 0.5), (0.8, 0.5))) { Objects = ["person"] }], []);
        var car = Walk(1, (0.5, 0.3), (0.5, 0.7), 2).Select(f => (f.Pts, f.Objects.Select(o => o with { Detection = o.Detection with { Label = "car" } }).ToArray()));
        Assert.Equal((0, 0), Count(car, people));
        Assert.Equal((1, 0), Count(Walk(1, (0.5, 0.3), (0.5, 0.7), 2), people));
    }

    [Fact]
    public void Counts_are_kept_per_direction_in_the_line_state()
    {
        var scene = new SceneAnalyzer(Gate);
        SceneFrame? last = null;
        foreach (var (pts, objects) in Walk(1, (0.3, 0.3), (0.3, 0.7), 1).Concat(Walk(2, (0.6, 0.3), (0.6, 0.7), 1, start: 1.1)).Concat(Walk(3, (0.7, 0.7), (0.7, 0.3), 1, start: 2.2)))
            last = scene.Update(pts, objects, Size, Size, analysed: true);
        Assert.Equal(new LineState("gate", 2, 1), last!.Lines.Single());
    }
}
