using System.Globalization;
using System.Text.Json;
using StreamFusion.Kafka.Embedded;
using static StreamFusion.Tests.Kafka.KafkaTestSupport;

namespace StreamFusion.Tests.Kafka;

/// <summary>The CLI publishing to Kafka, read back by Debian's kcat (a separate, independent client).</summary>
public class KafkaCliTests
{
    private const string Topic = "streamfusion.detections";

    private static int Published(string stdout) =>
        int.Parse(Assert.Single(System.Text.RegularExpressions.Regex.Matches(stdout, @"kafka: (\d+) records published")).Groups[1].Value, CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Headers(JsonElement kcatRecord)
    {
        var flat = kcatRecord.GetProperty("headers").EnumerateArray().Select(h => h.GetString()!).ToList();
        return Enumerable.Range(0, flat.Count / 2).ToDictionary(i => flat[2 * i], i => flat[2 * i + 1]);
    }

    [Fact]
    public void A_two_camera_run_reaches_kcat_complete_keyed_with_headers_valid_and_in_order_per_camera()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic, partitions: 2);
        using var temp = new TempDirectory();
        var config = temp.File("pipeline.yaml");
        File.WriteAllText(config, $"""
            version: 1
            audio: {"{}"}
            kafka:
              bootstrap_servers: {broker.BootstrapServers}
              spool: {"{"} dir: {temp.File("spool")} {"}"}
            cameras:
              - id: talking-face
                uri: {TestAssets.Media("grid_swwp2s.mpg")}
                transcript: {TestAssets.Media("grid_swwp2s.align")}
                vision: {"{}"}
              - id: car-park
                uri: {TestAssets.Media("car-detection.mp4")}
            """);

        var result = Processes.Cli("run", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var records = Kcat(broker.BootstrapServers, Topic);
        Assert.Equal(Published(result.Stdout), records.Count);
        Assert.Contains($"{records.Count} delivered", result.Stdout);
        Assert.Equal(["car-park", "talking-face"], records.Select(r => r.GetProperty("key").GetString()).Distinct().Order());
        foreach (var record in records)
        {
            var value = record.GetProperty("payload").GetString()!;
            RecordSchema.AssertValid(value);
            using var json = JsonDocument.Parse(value);
            var headers = Headers(record);
            Assert.Equal("streamfusion.detection.v1", headers["schema"]);
            Assert.Equal(record.GetProperty("key").GetString(), headers["camera"]);
            Assert.Equal(json.RootElement.GetProperty("camera").GetString(), headers["camera"]);
            Assert.Equal(json.RootElement.GetProperty("window").GetProperty("start").GetDouble(), double.Parse(headers["pts"], CultureInfo.InvariantCulture));
            Assert.Matches("^[0-9a-f]{32}$", headers["trace_id"]);
            Assert.True(DateTimeOffset.TryParse(headers["capture_time"], CultureInfo.InvariantCulture, out _));
        }
        foreach (var camera in records.GroupBy(r => r.GetProperty("key").GetString()))
        {
            var starts = camera.OrderBy(r => r.GetProperty("offset").GetInt64())
                .Select(r => JsonDocument.Parse(r.GetProperty("payload").GetString()!).RootElement.GetProperty("window").GetProperty("start").GetDouble()).ToList();
            Assert.Equal(starts.Order(), starts);
            Assert.Single(camera.Select(r => r.GetProperty("partition").GetInt32()).Distinct());
        }
        foreach (var camera in new[] { "car-park", "talking-face" }) // each camera's own count, from its summary line
        {
            var summary = System.Text.RegularExpressions.Regex.Match(result.Stdout, $@"\[{camera}\] completed.*?, (\d+) records");
            Assert.Equal(int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture), records.Count(r => r.GetProperty("key").GetString() == camera));
        }
    }

    [Fact]
    public void Replay_without_kafka_settings_serves_an_embedded_broker_that_kcat_reads_meanwhile()
    {
        using var replay = new BackgroundCli("replay", TestAssets.Media("grid_swwp2s.mpg"), "--keep-serving");
        var address = replay.WaitFor(@"embedded broker at (127\.0\.0\.1:\d+)", TimeSpan.FromSeconds(60)).Groups[1].Value;
        replay.WaitFor("keeps serving", TimeSpan.FromSeconds(60));

        var records = Kcat(address, Topic);

        Assert.Equal(Published(replay.Stdout), records.Count);
        Assert.Equal(3, records.Count); // a 3 s clip
        Assert.All(records, r => Assert.Equal("grid_swwp2s", r.GetProperty("key").GetString()));
        replay.Signal("INT");
        Assert.Equal(0, replay.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Records_spooled_by_a_killed_process_are_delivered_by_the_next_start_exactly_once()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        using var temp = new TempDirectory();
        string[] Replay() => ["replay", TestAssets.Media("grid_swwp2s.mpg"), "--no-vision", "--kafka", broker.BootstrapServers, "--spool", temp.File("spool"), "--flush-timeout", "120"];

        broker.SetBrokerDown();
        using (var first = new BackgroundCli(Replay()))
        {
            first.WaitFor(@"completed in .*3 records", TimeSpan.FromSeconds(60)); // all three fused and spooled; now waiting for the broker
            first.Signal("KILL");
            first.WaitForExit(TimeSpan.FromSeconds(10));
        }
        broker.SetBrokerUp();
        var second = Processes.Cli(Replay());

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("3 undelivered record(s) from a previous run", second.Stderr);
        Assert.Contains("6 delivered (with 3 recovered from the spool)", second.Stdout);
        var records = ReadAll(broker.BootstrapServers, Topic);
        Assert.Equal(["grid_swwp2s@0.000", "grid_swwp2s@1.000", "grid_swwp2s@2.000", "grid_swwp2s@0.000", "grid_swwp2s@1.000", "grid_swwp2s@2.000"],
            records.Select(r => r.Json.GetProperty("id").GetString()));
        Assert.Equal(6, records.Select(r => r.Headers["trace_id"]).Distinct().Count()); // six distinct records: none twice
    }

    [Fact]
    public void A_broker_that_stays_down_fails_the_run_with_the_records_kept_in_the_spool()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        broker.SetBrokerDown();
        using var temp = new TempDirectory();

        var result = Processes.Cli("replay", TestAssets.Media("grid_swwp2s.mpg"), "--no-vision", "--kafka", broker.BootstrapServers,
            "--spool", temp.File("spool"), "--flush-timeout", "2");

        Assert.Equal(4, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith("error: "));
        Assert.Contains("3 record(s) not delivered", error);
        Assert.Contains(temp.File("spool"), error);
        Assert.True(new FileInfo(Path.Combine(temp.File("spool"), "records.spool")).Length > 0);
    }
}
