using System.Text.Json;
using StreamFusion.Fusion.Windows;
using StreamFusion.Tests.Scene;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;
using static StreamFusion.Tests.Scene.SyntheticScene;

namespace StreamFusion.Tests.Fusion;

/// <summary>Scene rules in fused records: zones and lines, their reasons and weights, standing still, required zones.</summary>
public class SceneFusionTests
{
    private static readonly SceneRules Bay = new(
        [new ZoneRule("bay", Square(0.4, 0.4, 0.6, 0.6)) { Loitering = 4, Weight = 0.6 }],
        [new LineRule("gate", Line((0.2, 0.8), (0.8, 0.8))) { Weight = 0.3 }], []) { StationaryAfter = 6 };

    /// <summary>Frames through the real scene rules, then fused (video only) with the given settings.</summary>
    private static List<FusedRecord> Fuse(IEnumerable<(double Pts, TrackedObject[] Objects)> frames, FusionSettings? settings = null, SceneRules? rules = null)
    {
        rules ??= Bay;
        var scene = new SceneAnalyzer(rules);
        var fuser = new WindowFuser(settings ?? new FusionSettings(), "cam", video: true, audio: false, rules: rules);
        var records = new List<FusedRecord>();
        var last = 0.0;
        foreach (var (pts, objects) in frames)
        {
            records.AddRange(fuser.Add(new FrameAnalysis(0, pts, Size, Size, objects, []) { Scene = scene.Update(pts, objects, Size, Size, analysed: true) }));
            last = pts;
        }
        records.AddRange(fuser.Add(new FrameAnalysis(-1, last, Size, Size, [], []) { EndOfStream = true, Scene = scene.Finish(last) }));
        records.AddRange(fuser.Finish());
        foreach (var record in records) RecordSchema.AssertValid(RecordJson.Serialize(record));
        return records;
    }

    [Fact]
    public void Records_carry_each_zone_and_line_with_what_happened_in_the_window()
    {
        // Walks into the bay, stays, then walks down across the gate.
        var frames = Walk(1, (0.5, 0.2), (0.5, 0.5), 1).Concat(Walk(1, (0.5, 0.5), (0.5, 0.5), 5, start: 1.1)).Concat(Walk(1, (0.5, 0.5), (0.5, 0.9), 1, start: 6.2));
        var records = Fuse(frames);
        var entered = records.First(r => r.Zones!.Single().Events.Any(e => e.Kind == SceneEventKinds.Enter));
        Assert.Equal(0, entered.Start);
        Assert.Contains("person entered 'bay' (track 1)", entered.Reasons);
        var inside = records.Single(r => r.Start == 2);
        var bay = inside.Zones!.Single();
        Assert.Equal((1, false), (bay.Objects["person"], bay.Crowded));
        Assert.InRange(bay.Dwell, 1.9, 3.0);
        Assert.Contains("1 person in 'bay'", inside.Reasons);
        var loitering = records.Single(r => r.Zones!.Single().Events.Any(e => e.Kind == SceneEventKinds.LoiterStart));
        Assert.Contains(loitering.Reasons, r => r.StartsWith("person loitering in 'bay' for 4 s"));
        Assert.Equal([1], loitering.Zones!.Single().Loitering);
        var crossed = records.Single(r => r.Lines!.Single().In == 1);
        Assert.Contains("1 crossing 'gate' inbound", crossed.Reasons);
        Assert.Equal((1L, 0L), (records[^1].Lines!.Single().TotalIn, records[^1].Lines!.Single().TotalOut));
        // In the JSON: additive fields, only for cameras with rules.
        var json = JsonDocument.Parse(RecordJson.Serialize(crossed)).RootElement;
        Assert.Equal("cross", json.GetProperty("lines")[0].GetProperty("events")[0].GetProperty("kind").GetString());
        Assert.Equal("in", json.GetProperty("lines")[0].GetProperty("events")[0].GetProperty("direction").GetString());
        var plain = new WindowFuser(new FusionSettings(), "cam", video: true, audio: false);
        plain.Add(new FrameAnalysis(0, 0.5, Size, Size, [Person(1, 0.5, 0.5)], []));
        var without = JsonDocument.Parse(RecordJson.Serialize(plain.Finish()[0])).RootElement;
        Assert.False(without.TryGetProperty("zones", out _));
        Assert.False(without.TryGetProperty("lines", out _));
    }

    [Fact]
    public void An_object_standing_still_stays_counted_but_stops_raising_alerts()
    {
        // A person stands in the bay for 20 s: it enters, loiters at 4 s, turns stationary at 6 s.
        var settings = new FusionSettings { ObjectWeights = new Dictionary<string, double> { ["person"] = 0.9 } };
        var records = Fuse(Walk(1, (0.5, 0.5), (0.5, 0.5), 20), settings);
        var late = records.Where(r => r.Start is >= 8 and < 19).ToList();
        Assert.All(late, r =>
        {
            Assert.Equal(0, r.Score);
            Assert.Empty(r.Reasons);
            Assert.Equal([1], r.Zones!.Single().Stationary);
            Assert.Equal(1, r.Zones!.Single().Objects["person"]);
        });
        Assert.True(records.Single(r => r.Start == 4).Score >= 0.5); // loitering started: that alert is raised
        var incident = records.Where(r => r.Incident is not null).Select(r => r.Incident!).ToList();
        Assert.Equal("end", incident.Last(i => i.State != "update").State);
        Assert.True(incident.Count(i => i.State == "end") == 1 && records.Single(r => r.Incident?.State == "end").Start <= 8,
            "the incident ends once the object stands still, not at the end of the footage");
    }

    [Fact]
    public void Required_zones_make_an_incident_mean_in_the_zone_not_in_the_frame()
    {
        var settings = new FusionSettings { ObjectWeights = new Dictionary<string, double> { ["person"] = 0.9 }, RequiredZones = ["bay"] };
        // 5 s walking outside the bay, then 3 s inside it, then out again.
        var frames = Walk(1, (0.1, 0.3), (0.3, 0.3), 5).Concat(Walk(1, (0.45, 0.5), (0.55, 0.5), 3, start: 5.1)).Concat(Walk(1, (0.7, 0.3), (0.9, 0.3), 3, start: 8.2));
        var records = Fuse(frames, settings);
        Assert.All(records.Where(r => r.Start < 5), r => Assert.Null(r.Incident));
        Assert.True(records.Where(r => r.Start < 5).All(r => r.Score >= 0.5), "outside the bay the score is high all the same");
        var start = records.Single(r => r.Incident?.State == "start");
        Assert.Equal(5, start.Start);
        Assert.InRange(records.Single(r => r.Incident?.State == "end").Start, 8, 11); // gone from the bay (after its exit grace)

        var unaffected = Fuse(frames, settings with { RequiredZones = ["dock"] }); // this camera has no such zone
        Assert.Equal(0, unaffected.Single(r => r.Incident?.State == "start").Start);
    }
}
