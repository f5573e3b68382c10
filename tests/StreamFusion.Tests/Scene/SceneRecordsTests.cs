using System.Text.Json;
using System.Text.RegularExpressions;
using StreamFusion.Tests.Live;
using static StreamFusion.Tests.Waiting;

namespace StreamFusion.Tests.Scene;

/// <summary>Scene rules through the whole pipeline: records, incidents that need a zone, replays, metrics.</summary>
public class SceneRecordsTests
{
    [Fact]
    public void A_pipeline_with_a_required_zone_raises_incidents_only_for_people_at_the_table_and_replays_identically()
    {
        using var temp = new TempDirectory();
        string Replay(string name)
        {
            var config = temp.File($"{name}.yaml");
            File.WriteAllText(config, $$"""
                version: 1
                kafka: { enabled: false }
                output: { jsonl: {{temp.File($"{name}.jsonl")}} }
                fusion:
                  object_weights: { person: 0.9 }
                  required_zones: [table]
                cameras:
                  - id: indoor
                    uri: {{TestAssets.Media("one-by-one-person-detection.mp4")}}
                    rules:
                      zones:
                        - name: table
                          points: [[0.45, 0.72], [0.8, 0.72], [0.8, 1.0], [0.45, 1.0]]
                          objects: [person]
                          weight: 0.6
                """);
            var result = Processes.Cli("run", config);
            Assert.True(result.ExitCode == 0, result.Stderr);
            return File.ReadAllText(temp.File($"{name}.jsonl"));
        }
        var first = Replay("first");
        var records = first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var line in first.Split('\n', StringSplitOptions.RemoveEmptyEntries)) RecordSchema.AssertValid(line);
        Assert.All(records, r => Assert.Equal("table", r.GetProperty("zones")[0].GetProperty("name").GetString()));
        var starts = records.Where(r => r.GetProperty("incident").ValueKind == JsonValueKind.Object && r.GetProperty("incident").GetProperty("state").GetString() == "start").ToList();
        Assert.Equal(6, starts.Count); // one per person at the table
        Assert.All(starts, r => Assert.Contains(r.GetProperty("zones")[0].GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "enter"));
        // Every window of an incident has someone at the table (or one just left, within its exit grace).
        Assert.All(records.Where(r => r.GetProperty("incident").ValueKind == JsonValueKind.Object && r.GetProperty("incident").GetProperty("state").GetString() != "end"),
            r => Assert.True(r.GetProperty("zones")[0].GetProperty("objects").EnumerateObject().Any(), r.GetProperty("id").GetString()));

        static string WithoutWallclock(string records) => Regex.Replace(records, "\"wallclock\":\"[^\"]+\"", "\"wallclock\":\"-\"");
        Assert.Equal(WithoutWallclock(first), WithoutWallclock(Replay("second")));
    }

    [Fact]
    public void Zone_occupancy_and_line_counts_are_on_metrics_while_it_runs()
    {
        var metricsPort = StreamFusion.Tests.Media.NetworkSourceTests.FreeTcpPort();
        using var temp = new TempDirectory();
        var rules = temp.File("rules.yaml");
        File.WriteAllText(rules, PlazaSceneTests.Rules);
        using var replay = new BackgroundCli("replay", TestAssets.Media("vtest_480x360.avi"), "--camera", "plaza", "--no-kafka", "--no-audio", "--speed", "4",
            "--rules", rules, "--metrics", $"127.0.0.1:{metricsPort}");
        var endpoint = new OperationsEndpoint(metricsPort);
        WaitUntil(() => endpoint.Metric("streamfusion_line_crossings_total{camera=\"plaza\",line=\"middle\",direction=\"in\"}") >= 1
                        && endpoint.Metric("streamfusion_zone_objects{camera=\"plaza\",zone=\"east\",label=\"person\"}") >= 0, TimeSpan.FromSeconds(60),
            "line crossings and zone occupancy on /metrics", replay.Describe);
        Assert.InRange(endpoint.Metric("streamfusion_zone_objects{camera=\"plaza\",zone=\"east\",label=\"person\"}"), 0, 20);
        Assert.False(double.IsNaN(endpoint.Metric("streamfusion_line_crossings_total{camera=\"plaza\",line=\"middle\",direction=\"out\"}")));
        Assert.Equal(0, replay.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Matches(@"\[plaza\] [0-9.]+s person #\d+ crossed 'middle' (in|out)", replay.Stderr);
    }
}
