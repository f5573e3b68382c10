using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Tests.Vision;

public class TrackerTests
{
    private static DetectedObject Box(string label, float x, float y, float size = 40) => new(0, label, 0.9f, new BoundingBox(x, y, size, size));

    [Fact]
    public void Moving_objects_keep_their_ids_and_new_ones_get_new_ids()
    {
        var tracker = new ObjectTracker(new TrackerSettings());
        var ids = new List<(int A, int B)>();
        for (var i = 0; i < 20; i++)
        {
            var t = i * 0.1;
            var (objects, _) = tracker.Update([Box("person", 10 + i * 8, 50), Box("person", 300 - i * 8, 200)], t);
            ids.Add((objects[0].TrackId, objects[1].TrackId));
        }

        Assert.Single(ids.Select(p => p.A).Distinct());
        Assert.Single(ids.Select(p => p.B).Distinct());
        Assert.NotEqual(ids[0].A, ids[0].B);
    }

    [Fact]
    public void Prediction_bridges_frames_skipped_by_the_gate()
    {
        var tracker = new ObjectTracker(new TrackerSettings());
        int? id = null;
        // 15 px per 0.1 s: over a 0.5 s gap the 60 px box moves 75 px, so it no longer overlaps where it was last seen.
        for (var i = 0; i < 6; i++) id = tracker.Update([Box("car", i * 15, 100, 60)], i * 0.1).Objects[0].TrackId;
        var afterGap = tracker.Update([Box("car", 10 * 15, 100, 60)], 1.0).Objects[0].TrackId;

        Assert.Equal(id, afterGap);
    }

    [Fact]
    public void Lifecycle_new_after_confirmation_and_lost_after_max_age_with_the_span_present()
    {
        var tracker = new ObjectTracker(new TrackerSettings(ConfirmHits: 2, MaxAge: 1.0));
        var events = new List<TrackEvent>();
        for (var i = 0; i <= 10; i++) events.AddRange(tracker.Update([Box("person", 100, 100)], 14.2 + i * 0.1).Events);
        for (var i = 1; i <= 15; i++) events.AddRange(tracker.Update([], 15.2 + i * 0.1).Events);

        Assert.Equal(["new", "lost"], events.Select(e => e.Kind));
        Assert.Equal(14.3, events[0].LastSeen, 6);
        Assert.Equal((14.2, 15.2), (Math.Round(events[1].FirstSeen, 6), Math.Round(events[1].LastSeen, 6)));
    }

    [Fact]
    public void Different_labels_never_share_a_track()
    {
        var tracker = new ObjectTracker(new TrackerSettings());
        var first = tracker.Update([Box("person", 100, 100)], 0).Objects[0].TrackId;
        var second = tracker.Update([Box("dog", 100, 100)], 0.1).Objects[0].TrackId;

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Appearance_decides_between_equally_overlapping_candidates()
    {
        var tracker = new ObjectTracker(new TrackerSettings(AppearanceWeight: 0.5f));
        var red = new[] { 1f, 0f };
        var blue = new[] { 0f, 1f };
        var a = Box("person", 100, 100);
        a.Embedding = red;
        var start = tracker.Update([a], 0).Objects[0].TrackId;

        var left = Box("person", 90, 100);
        left.Embedding = blue;
        var right = Box("person", 110, 100);
        right.Embedding = red;
        var objects = tracker.Update([left, right], 0.1).Objects;

        Assert.Equal(start, objects[1].TrackId);
        Assert.NotEqual(start, objects[0].TrackId);
    }
}
