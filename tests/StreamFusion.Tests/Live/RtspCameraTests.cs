using System.Net;
using System.Text.Json;
using StreamFusion.Tests.Media;
using static StreamFusion.Tests.Waiting;

namespace StreamFusion.Tests.Live;

/// <summary>
/// Cameras read from a real RTSP server in PLAY mode (gst-rtsp-server, tests/rtsp/serve.py): both transports,
/// authentication, a server killed and restarted, streams that end and streams that stall.
/// </summary>
public class RtspCameraTests
{
    private const string Secret = "s3cret-pass";

    private static double Records(OperationsEndpoint endpoint, string camera) => endpoint.Metric($"streamfusion_records_total{{camera=\"{camera}\"}}");
    private static double Frames(OperationsEndpoint endpoint, string camera) => endpoint.Metric($"streamfusion_frames_total{{camera=\"{camera}\"}}");

    /// <summary>`live` without detection (the footage has no audio, so no records: frames are what arrives).</summary>
    private static BackgroundCli Live(string url, string camera, int metricsPort, string output, params string[] extra) =>
        new(["live", url, "--camera", camera, "--no-kafka", "--out", output, "--metrics", $"127.0.0.1:{metricsPort}", "--stall-timeout", "3", "--max-backoff", "2", .. extra]);

    [Fact]
    public void Cameras_play_over_tcp_and_udp_from_one_server()
    {
        using var server = RtspServer.Start();
        using var temp = new TempDirectory();
        var metricsPort = NetworkSourceTests.FreeTcpPort();
        var cameras = new[] { ("tcp1", "tcp"), ("tcp2", "tcp"), ("udp1", "udp"), ("udp2", "udp") };
        File.WriteAllText(temp.File("four.yaml"), $"""
            version: 1
            vision: {"{"} enabled: false {"}"}
            kafka: {"{"} enabled: false {"}"}
            output: {"{"} jsonl: out.jsonl {"}"}
            metrics: {"{"} listen: 127.0.0.1:{metricsPort} {"}"}
            cameras:
            {string.Join("\n", cameras.Select(c => $"  - {"{"} id: {c.Item1}, uri: {server.Url("live")}, decode: {"{"} rtsp_transport: {c.Item2} {"}"} {"}"}"))}
            """);
        using var run = new BackgroundCli("run", temp.File("four.yaml"));
        var endpoint = new OperationsEndpoint(metricsPort);

        WaitUntil(() => cameras.All(c => Frames(endpoint, c.Item1) >= 50), TimeSpan.FromSeconds(60), "frames from every camera", () => run.Describe() + server.Describe());
        Assert.Equal(HttpStatusCode.OK, endpoint.Health().Status);
        run.Signal("TERM");
        Assert.Equal(143, run.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("digest")]
    [InlineData("basic")]
    public void Right_credentials_play_and_wrong_ones_are_one_line_without_the_password(string method)
    {
        using var server = RtspServer.Start(null, "--user", "viewer", "--password", Secret, "--auth", method);
        using var temp = new TempDirectory();
        var metricsPort = NetworkSourceTests.FreeTcpPort();

        var wrong = Processes.Cli("live", server.Url("live", "viewer:not-the-password"), "--no-vision", "--no-kafka");
        using var live = Live(server.Url("live", $"viewer:{Secret}"), "door", metricsPort, temp.File("out.jsonl"), "--no-vision");
        var endpoint = new OperationsEndpoint(metricsPort);
        WaitUntil(() => Frames(endpoint, "door") >= 50, TimeSpan.FromSeconds(60), "frames with the right credentials", () => live.Describe() + server.Describe());
        live.Signal("TERM");
        live.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.Equal(3, wrong.ExitCode);
        Assert.Equal($"error: rtsp://viewer:***@127.0.0.1:{server.Port}/live: opening input: Server returned 401 Unauthorized (authorization failed): check the user and password in the URL",
            wrong.Stderr.Trim().Split('\n')[^1]);
        foreach (var text in new[] { wrong.Stdout, wrong.Stderr, live.Stdout, live.Stderr, endpoint.LastMetricsText })
            Assert.DoesNotContain("not-the-password", text);
        Assert.DoesNotContain(Secret, live.Stdout + live.Stderr + endpoint.LastMetricsText);
    }

    [Fact]
    public void A_server_killed_and_restarted_is_reconnected_and_the_media_clock_carries_on_across_the_outage()
    {
        using var temp = new TempDirectory();
        var metricsPort = NetworkSourceTests.FreeTcpPort();
        var server = RtspServer.Start();
        var port = server.Port;
        using var live = Live(server.Url("live"), "gate", metricsPort, temp.File("out.jsonl"));
        var endpoint = new OperationsEndpoint(metricsPort);
        try
        {
            WaitUntil(() => Records(endpoint, "gate") >= 3, TimeSpan.FromSeconds(60), "records before the outage", () => live.Describe() + server.Describe());
            server.Dispose(); // SIGKILL: no TEARDOWN, no BYE
            WaitUntil(() => endpoint.Health().Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20), "the outage noticed", live.Describe);
            var before = Records(endpoint, "gate");
            Thread.Sleep(TimeSpan.FromSeconds(3));
            server = RtspServer.Start(port);

            WaitUntil(() => endpoint.Metric("streamfusion_camera_reconnects_total{camera=\"gate\"}") >= 1 && Records(endpoint, "gate") >= before + 3,
                TimeSpan.FromSeconds(60), "records after the restart", () => live.Describe() + server.Describe());
            Assert.Equal(HttpStatusCode.OK, endpoint.Health().Status);
            Assert.True(endpoint.Metric("streamfusion_camera_gap_seconds_total{camera=\"gate\"}") >= 2);
            live.Signal("TERM");
            live.WaitForExit(TimeSpan.FromSeconds(30));
        }
        finally
        {
            server.Dispose();
        }
        var starts = File.ReadLines(temp.File("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("revision").GetInt32() == 0)
            .Select(r => r.GetProperty("window").GetProperty("start").GetDouble()).ToList();
        Assert.Equal(starts.Order(), starts);                 // windows stay in order across the outage
        Assert.Equal(starts.Count, starts.Distinct().Count()); // and the clock never restarts at 0
        Assert.Matches(@"\[gate\] live: reconnected \(1 so far\)", live.Stderr);
    }

    [Fact]
    public void Streams_that_end_are_outages_so_a_live_camera_never_ends_on_its_own()
    {
        using var temp = new TempDirectory();
        var recording = temp.File("recording.mp4");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("grid_swwp2s.mpg"), "-an", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", recording);
        using var server = RtspServer.Start(null, "--recording", recording);
        var (finitePort, recordingPort) = (NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort());
        using var finite = Live(server.Url("finite"), "once", finitePort, temp.File("once.jsonl"), "--no-vision");
        using var ranged = Live(server.Url("recording"), "ranged", recordingPort, temp.File("ranged.jsonl"), "--no-vision");
        var (once, range) = (new OperationsEndpoint(finitePort), new OperationsEndpoint(recordingPort));

        // Each stream lasts 3 s: by 2 reconnects each has ended three times.
        WaitUntil(() => once.Metric("streamfusion_camera_reconnects_total{camera=\"once\"}") >= 2 && range.Metric("streamfusion_camera_reconnects_total{camera=\"ranged\"}") >= 2,
            TimeSpan.FromSeconds(60), "reconnects after each end", () => finite.Describe() + ranged.Describe() + server.Describe());
        Assert.False(finite.HasExited || ranged.HasExited);
        finite.Signal("TERM");
        ranged.Signal("TERM");
        Assert.Equal(143, finite.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(143, ranged.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("backing-off: the stream ended", finite.Stderr);
        Assert.Contains("backing-off: the stream ended", ranged.Stderr);
        Assert.DoesNotContain(" ended", (finite.Stderr + ranged.Stderr).Replace("the stream ended", ""));
    }

    [Fact]
    public void A_server_that_stalls_without_closing_is_reopened_by_the_stall_watchdog()
    {
        using var server = RtspServer.Start(null, "--stall-after", "3");
        using var temp = new TempDirectory();
        var metricsPort = NetworkSourceTests.FreeTcpPort();
        using var live = Live(server.Url("stall"), "hall", metricsPort, temp.File("out.jsonl"), "--no-vision");
        var endpoint = new OperationsEndpoint(metricsPort);

        WaitUntil(() => endpoint.Metric("streamfusion_camera_reconnects_total{camera=\"hall\"}") >= 1, TimeSpan.FromSeconds(60), "a reconnect after the stall",
            () => live.Describe() + server.Describe());
        var frames = Frames(endpoint, "hall");
        live.Signal("TERM");
        live.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.Contains("[hall] stalled: no data for 3 s", live.Stderr);
        Assert.True(frames >= 50, $"{frames} frames");
    }

    [Fact]
    public void Camera_status_reaches_kafka_in_order_even_when_the_broker_was_down_during_the_outage()
    {
        using var broker = new StreamFusion.Kafka.Embedded.EmbeddedBroker();
        broker.CreateTopic("streamfusion.detections");
        broker.CreateTopic("streamfusion.status");
        using var temp = new TempDirectory();
        var server = RtspServer.Start();
        var port = server.Port;
        using var live = new BackgroundCli("live", server.Url("live"), "--camera", "gate", "--no-vision", "--kafka", broker.BootstrapServers,
            "--spool", temp.File("spool"), "--stall-timeout", "3", "--max-backoff", "2");
        List<string> States() => [.. Kafka.KafkaTestSupport.ReadAll(broker.BootstrapServers, "streamfusion.status").Select(r => r.Json.GetProperty("state").GetString()!)];
        try
        {
            WaitUntil(() => States().Contains("live"), TimeSpan.FromSeconds(60), "the camera live on the status topic", () => live.Describe() + server.Describe());
            broker.SetBrokerDown();
            server.Dispose();
            live.WaitFor(@"\[gate\] backing-off", TimeSpan.FromSeconds(30));
            server = RtspServer.Start(port);
            live.WaitFor(@"\[gate\] live: reconnected", TimeSpan.FromSeconds(60));
            broker.SetBrokerUp();

            WaitUntil(() => States().Count(s => s == "live") >= 2, TimeSpan.FromSeconds(60), "the outage on the status topic", live.Describe);
            var states = States();
            Assert.Equal(["connecting", "live"], states.Take(2));
            var outage = states.Skip(2).TakeWhile(s => s != "live").ToList();
            Assert.Contains("backing-off", outage);
            Assert.All(outage, s => Assert.Contains(s, new[] { "stalled", "backing-off", "connecting" }));
            var messages = Kafka.KafkaTestSupport.Kcat(broker.BootstrapServers, "streamfusion.status"); // an independent client sees the same
            Assert.Equal(states, messages.Select(m => JsonDocument.Parse(m.GetProperty("payload").GetString()!).RootElement.GetProperty("state").GetString()));
            Assert.All(messages, m => Assert.Equal("gate", m.GetProperty("key").GetString()));
            var back = JsonDocument.Parse(messages.Last(m => m.GetProperty("payload").GetString()!.Contains("\"live\"")).GetProperty("payload").GetString()!).RootElement;
            Assert.Equal(1, back.GetProperty("reconnects").GetInt32());
            Assert.StartsWith("reconnected (1 so far)", back.GetProperty("reason").GetString());

            var tail = Processes.Cli("tail", "--kafka", broker.BootstrapServers, "--status", "--from-beginning", "--exit-at-end");
            Assert.True(tail.ExitCode == 0, tail.Stderr);
            Assert.Matches(@"gate backing-off: .* \(reconnects 0, ", tail.Stdout);
            Assert.Matches(@"gate live: reconnected \(1 so far\)", tail.Stdout);
        }
        finally
        {
            server.Dispose();
        }
    }
}
