using System.Net;
using StreamFusion.Tests.Media;
using static StreamFusion.Tests.Waiting;

namespace StreamFusion.Tests.Live;

/// <summary>Live cameras served by a real ffmpeg on loopback: outages, reconnects, overload, metrics, redaction.</summary>
public class LiveCameraTests
{
    private const string Secret = "s3cret-pass";

    [Fact]
    public void A_source_gone_for_10_seconds_is_reconnected_by_itself_and_the_gap_shows_in_metrics()
    {
        var (port, metricsPort) = (NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort());
        var server = LiveFfmpeg.ServeHttpTs(port);
        using var live = new BackgroundCli("live", $"http://viewer:{Secret}@127.0.0.1:{port}/cam.ts", "--camera", "door", "--no-audio",
            "--metrics", $"127.0.0.1:{metricsPort}", "--stall-timeout", "3", "--max-backoff", "2");
        var endpoint = new OperationsEndpoint(metricsPort);
        try
        {
            WaitUntil(() => endpoint.Metric("streamfusion_records_total{camera=\"door\"}") >= 3, TimeSpan.FromSeconds(90), "records from the live source", live.Describe);
            Assert.Equal(HttpStatusCode.OK, endpoint.Health().Status);

            server.Dispose(); // the camera goes away for 10 s
            Thread.Sleep(TimeSpan.FromSeconds(10));
            var during = endpoint.Health();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
            Assert.Contains(during.Body.GetProperty("cameras")[0].GetProperty("state").GetString(), new[] { "stalled", "backing-off", "connecting" });
            Assert.Equal(0, endpoint.Metric("streamfusion_camera_up{camera=\"door\"}"));
            var recordsBefore = endpoint.Metric("streamfusion_records_total{camera=\"door\"}");
            server = LiveFfmpeg.ServeHttpTs(port);

            WaitUntil(() => endpoint.Metric("streamfusion_camera_reconnects_total{camera=\"door\"}") >= 1
                            && endpoint.Metric("streamfusion_records_total{camera=\"door\"}") >= recordsBefore + 3, TimeSpan.FromSeconds(60), "records after the reconnect");
            Assert.Equal(1, endpoint.Metric("streamfusion_camera_up{camera=\"door\"}"));
            Assert.InRange(endpoint.Metric("streamfusion_camera_gap_seconds_total{camera=\"door\"}"), 9, 30);
            Assert.Equal(HttpStatusCode.OK, endpoint.Health().Status);
            Assert.Contains("streamfusion_latency_seconds{camera=\"door\",stage=\"vision\",quantile=\"0.99\"}", endpoint.LastMetricsText);

            live.Signal("TERM");
            Assert.Equal(143, live.WaitForExit(TimeSpan.FromSeconds(30))); // it ran until told to stop
            Assert.Matches(@"\[door\] live: reconnected \(1 so far\), [0-9.]+ s of media time missed", live.Stderr);
            foreach (var text in new[] { live.Stdout, live.Stderr, endpoint.LastMetricsText, during.Text })
                Assert.DoesNotContain(Secret, text);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public void A_detector_slower_than_the_camera_drops_frames_but_keeps_latency_and_memory_bounded()
    {
        var (port, metricsPort) = (NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort());
        using var server = LiveFfmpeg.ServeHttpTs(port);
        using var temp = new TempDirectory();
        var config = temp.File("overload.yaml");
        File.WriteAllText(config, $"""
            version: 1
            metrics: {"{"} listen: 127.0.0.1:{metricsPort} {"}"}
            queues: {"{"} capacity: 2, policy: drop-oldest {"}"}
            decode: {"{"} audio: false {"}"}
            vision:
              simulate_delay: 200ms   # about 4 frames/s of detection for a 25 fps camera
              motion: {"{"} enabled: false {"}"}
            kafka: {"{"} enabled: false {"}"}
            output: {"{"} jsonl: {temp.File("records.jsonl")} {"}"}
            cameras:
              - id: busy
                uri: http://127.0.0.1:{port}/cam.ts
            """);
        using var run = new BackgroundCli("run", config);
        var endpoint = new OperationsEndpoint(metricsPort);

        WaitUntil(() => endpoint.Metric("streamfusion_analysed_frames_total{camera=\"busy\"}") >= 10, TimeSpan.FromSeconds(90), "detections", run.Describe);
        var rssWarm = Rss(run.Id);
        Thread.Sleep(TimeSpan.FromSeconds(15));
        var metrics = endpoint.Metrics();
        Assert.True(metrics.ContainsKey("streamfusion_frames_total{camera=\"busy\"}"), $"no metrics from the run ({endpoint.LastFailure}); {run.Describe()}");
        var rssLater = Rss(run.Id);

        var dropped = metrics.Where(m => m.Key.StartsWith("streamfusion_dropped_total{camera=\"busy\"")).Sum(m => m.Value);
        var frames = metrics["streamfusion_frames_total{camera=\"busy\"}"];
        Assert.True(dropped > frames / 2, $"{dropped} of {frames} frames dropped"); // most frames cannot be analysed in time
        // Two queued frames at most before a 200 ms detection: capture to detection result stays well under a second.
        Assert.InRange(metrics["streamfusion_latency_seconds{camera=\"busy\",stage=\"vision\",quantile=\"0.99\"}"], 0, 1.5);
        Assert.True(rssLater < rssWarm * 1.2, $"RSS grew from {rssWarm / 1e6:F0} MB to {rssLater / 1e6:F0} MB in 15 s");
        run.Signal("TERM");
        Assert.Equal(143, run.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_camera_that_is_down_at_start_does_not_hold_up_the_others_and_joins_when_it_comes_up()
    {
        var (up, down, metricsPort) = (NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort());
        using var first = LiveFfmpeg.ServeHttpTs(up);
        using var temp = new TempDirectory();
        var config = temp.File("two.yaml");
        File.WriteAllText(config, $"""
            version: 1
            metrics: {"{"} listen: 127.0.0.1:{metricsPort} {"}"}
            reconnect: {"{"} initial: 500ms, max: 2s {"}"}
            decode: {"{"} audio: false {"}"}
            vision: {"{"} detect_fps: 5 {"}"}
            kafka: {"{"} enabled: false {"}"}
            output: {"{"} jsonl: {temp.File("records.jsonl")} {"}"}
            cameras:
              - {"{"} id: hall, uri: "http://127.0.0.1:{up}/cam.ts" {"}"}
              - {"{"} id: yard, uri: "http://127.0.0.1:{down}/cam.ts" {"}"}
            """);
        using var run = new BackgroundCli("run", config);
        var endpoint = new OperationsEndpoint(metricsPort);

        WaitUntil(() => endpoint.Metric("streamfusion_records_total{camera=\"hall\"}") >= 3, TimeSpan.FromSeconds(90), "records from the camera that is up", () => $"{run.Describe()}\n{first.Describe()}");
        var health = endpoint.Health();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        var states = health.Body.GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("state").GetString());
        Assert.Equal("live", states["hall"]);
        Assert.Contains(states["yard"], new[] { "backing-off", "connecting" });

        using var second = LiveFfmpeg.ServeHttpTs(down);
        WaitUntil(() => endpoint.Metric("streamfusion_records_total{camera=\"yard\"}") >= 2, TimeSpan.FromSeconds(60), "records from the camera that came up", () => $"{run.Describe()}\n{second.Describe()}");
        WaitUntil(() => endpoint.Health().Status == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "both cameras live");
        run.Signal("TERM");
        Assert.Equal(143, run.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("[yard] backing-off", run.Stderr);
    }

    [Fact]
    public void A_camera_that_fails_while_running_is_reported_and_the_others_go_on()
    {
        var (port, metricsPort) = (NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort());
        using var server = LiveFfmpeg.ServeHttpTs(port);
        using var temp = new TempDirectory();
        var cut = StreamFusion.Tests.Cli.CliTests.WriteTruncated(temp); // ends in an error once its first half has played
        var config = temp.File("mixed.yaml");
        File.WriteAllText(config, $"""
            version: 1
            metrics: {"{"} listen: 127.0.0.1:{metricsPort} {"}"}
            decode: {"{"} audio: false {"}"}
            vision: {"{"} detect_fps: 5 {"}"}
            kafka: {"{"} enabled: false {"}"}
            output: {"{"} jsonl: {temp.File("records.jsonl")} {"}"}
            cameras:
              - {"{"} id: archive, uri: "{cut}", pace: 4x {"}"}
              - {"{"} id: lobby, uri: "http://127.0.0.1:{port}/cam.ts" {"}"}
            """);
        using var run = new BackgroundCli("run", config);
        var endpoint = new OperationsEndpoint(metricsPort);

        run.WaitFor(@"\[archive\] stopped by an error: .*truncated", TimeSpan.FromSeconds(90));
        var lobbyThen = endpoint.Metric("streamfusion_records_total{camera=\"lobby\"}");
        WaitUntil(() => endpoint.Metric("streamfusion_records_total{camera=\"lobby\"}") >= lobbyThen + 3, TimeSpan.FromSeconds(30), "the live camera going on");
        run.Signal("TERM");

        Assert.Equal(3, run.WaitForExit(TimeSpan.FromSeconds(30))); // the failure is the run's result once the others stopped
        Assert.Matches(@"error: .*truncated", run.Stderr.Split('\n')[^1]);
    }

    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
