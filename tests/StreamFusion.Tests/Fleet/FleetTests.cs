using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamFusion.Hosting.Fleet;
using StreamFusion.Kafka.Connection;
using StreamFusion.Tests.Media;
using Xunit.Abstractions;

namespace StreamFusion.Tests.Fleet;

/// <summary>
/// A fleet on this machine, as real processes over the real group protocol: a `broker` process, three `worker`
/// processes and nine live cameras (looped footage served over HTTP), the registry managed with `cameras`.
/// </summary>
public class FleetTests(ITestOutputHelper output)
{
    private const int Cameras = 9;
    private const double SessionTimeout = 4;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    private sealed record Seen(string Camera, string Worker, string Id, int Revision, DateTimeOffset Capture, DateTime Arrived);

    [Fact]
    public async Task Cameras_spread_over_three_workers_move_when_one_is_killed_or_stopped_and_follow_the_registry()
    {
        using var temp = new TempDirectory();
        var port = NetworkSourceTests.FreeTcpPort();
        var bootstrap = $"127.0.0.1:{port}";
        using var broker = new BackgroundCli("broker", "--listen", bootstrap, "--partitions", "12");
        broker.WaitFor("broker: listening", TimeSpan.FromSeconds(30));
        var servers = Enumerable.Range(0, Cameras).Select(_ => NetworkSourceTests.FreeTcpPort()).Select(p => (Port: p, Server: LiveFfmpeg.ServeHttpTs(p))).ToList();
        try
        {
            var registry = new CameraRegistry(new KafkaConnection(bootstrap, new Dictionary<string, string>()));
            var shared = temp.File("fleet.yaml");
            File.WriteAllText(shared, "vision: { detect_fps: 1 }\nreconnect: { initial: 200ms, max: 1s }\n");
            for (var i = 1; i < Cameras; i++) await registry.PutAsync($"cam{i}", CameraJson(i, servers[i].Port));
            // The first one through the CLI, and a bad one refused before anything is written.
            File.WriteAllText(temp.File("cam0.yaml"), $"id: cam0\nuri: http://127.0.0.1:{servers[0].Port}/cam.ts\n");
            Assert.Equal(0, Processes.Cli("cameras", "add", "--kafka", bootstrap, "--file", temp.File("cam0.yaml"), "--config", shared).ExitCode);
            File.WriteAllText(temp.File("bad.yaml"), "id: bad\nuri: http://127.0.0.1:1/cam.ts\nvision: { detect_fps: fast }\n");
            var refused = Processes.Cli("cameras", "add", "--kafka", bootstrap, "--file", temp.File("bad.yaml"), "--config", shared);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("camera.vision.detect_fps", refused.Stderr);
            Assert.Equal(Cameras, registry.ReadAll().Count);

            var metrics = Enumerable.Range(0, 4).Select(_ => NetworkSourceTests.FreeTcpPort()).ToArray();
            var workers = Enumerable.Range(1, 3).Select(Worker).ToList();
            BackgroundCli Worker(int n) => new("worker", "--kafka", bootstrap, "--group", "fleet-test", "--instance", $"w{n}", "--config", shared,
                "--session-timeout", SessionTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture), "--metrics", $"127.0.0.1:{metrics[n]}");
            using var collector = new RecordCollector(bootstrap);
            try
            {
                // Every camera produces records, each from exactly one worker, and all three workers have some.
                Waiting.WaitUntil(() => Steady(collector, TimeSpan.FromSeconds(4)) is { Count: Cameras } owners && owners.Values.Distinct().Count() == 3,
                    Long, "each of 9 cameras on exactly one of three workers", () => Describe(collector, workers));
                var before = Steady(collector, TimeSpan.FromSeconds(4))!;
                output.WriteLine($"spread: {string.Join(", ", before.OrderBy(o => o.Key).Select(o => $"{o.Key}@{o.Value}"))}");
                using (var http = new HttpClient())
                {
                    // Ready: a member of the group, with its registry partitions and cameras.
                    var health = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{metrics[3]}/health")).RootElement;
                    Assert.True(health.GetProperty("worker").GetProperty("member").GetBoolean());
                    Assert.NotEmpty(health.GetProperty("worker").GetProperty("partitions").EnumerateArray());
                    Assert.Equal(before.Count(o => o.Value == "w3"), health.GetProperty("cameras").GetArrayLength());
                }

                // SIGKILL: the group notices after the session timeout; the cameras resume on the other two.
                var killed = before.Where(o => o.Value == "w1").Select(o => o.Key).ToList();
                var killedAt = DateTime.UtcNow;
                workers[0].Signal("KILL");
                Waiting.WaitUntil(() => killed.All(c => collector.Records(c).Any(r => r.Arrived > killedAt && r.Worker != "w1")), Long,
                    "w1's cameras on the other workers", () => Describe(collector, workers));
                var killGaps = killed.ToDictionary(c => c, c => Gap(collector.Records(c), killedAt));
                output.WriteLine($"SIGKILL w1 (session timeout {SessionTimeout} s): capture-time gaps {string.Join(", ", killGaps.Select(g => $"{g.Key} {g.Value:F1} s"))}");
                Assert.All(killGaps.Values, gap => Assert.InRange(gap, 0, SessionTimeout + 15));

                // SIGTERM: w2 drains and leaves; its cameras move with no longer gap than a drain and a rebalance.
                var after = Steady(collector, TimeSpan.FromSeconds(3))!;
                var stopped = after.Where(o => o.Value == "w2").Select(o => o.Key).ToList();
                var stoppedAt = DateTime.UtcNow;
                workers[1].Signal("TERM");
                Assert.Equal(143, workers[1].WaitForExit(TimeSpan.FromSeconds(60)));
                Waiting.WaitUntil(() => stopped.All(c => collector.Records(c).Any(r => r.Arrived > stoppedAt && r.Worker == "w3")), Long,
                    "w2's cameras on w3", () => Describe(collector, workers));
                var termGaps = stopped.ToDictionary(c => c, c => Gap(collector.Records(c), stoppedAt));
                output.WriteLine($"SIGTERM w2: capture-time gaps {string.Join(", ", termGaps.Select(g => $"{g.Key} {g.Value:F1} s"))}");
                // Leaving the group hands the cameras on at once: drain, rebalance and the camera's start on w3 (about 4 s here);
                // waiting out the session timeout as a crashed worker's place does would be 7 s or more.
                Assert.All(termGaps.Values, gap => Assert.InRange(gap, 0, SessionTimeout + 2.5));

                // w2 back under its name: the cooperative assignor moves some cameras to it, and leaves the rest running on w3.
                var onW3 = Steady(collector, TimeSpan.FromSeconds(3))!.Where(o => o.Value == "w3").Select(o => o.Key).ToList();
                var restartedAt = DateTime.UtcNow;
                workers[1].Dispose();
                workers[1] = Worker(2);
                Waiting.WaitUntil(() => Steady(collector, TimeSpan.FromSeconds(3)) is { } owners && owners.Values.Contains("w2") && owners.Count == onW3.Count, Long,
                    "cameras back on w2", () => Describe(collector, workers));
                var settled = Steady(collector, TimeSpan.FromSeconds(3))!;
                var stayed = onW3.Where(c => settled[c] == "w3").ToList();
                var stayedGaps = stayed.Select(c => Gap(collector.Records(c), restartedAt)).ToList();
                output.WriteLine($"w2 restarted: {onW3.Count - stayed.Count} of {onW3.Count} cameras moved to it; the {stayed.Count} left on w3 had gaps up to {stayedGaps.DefaultIfEmpty(0).Max():F1} s");
                Assert.NotEmpty(stayed);
                Assert.All(stayedGaps, gap => Assert.InRange(gap, 0, 2.5));

                // The registry: a removed camera stops; an added one starts within seconds.
                Assert.Equal(0, Processes.Cli("cameras", "remove", "--kafka", bootstrap, "--id", "cam0").ExitCode);
                var removedAt = DateTime.UtcNow;
                Waiting.WaitUntil(() => DateTime.UtcNow - removedAt > TimeSpan.FromSeconds(4) && collector.Records("cam0").All(r => r.Arrived < DateTime.UtcNow - TimeSpan.FromSeconds(3)),
                    TimeSpan.FromSeconds(30), "cam0 stopped", () => Describe(collector, workers));
                File.WriteAllText(temp.File("cam9.yaml"), $"id: cam9\nuri: http://127.0.0.1:{servers[0].Port}/cam.ts\n");
                var addedAt = DateTime.UtcNow;
                Assert.Equal(0, Processes.Cli("cameras", "add", "--kafka", bootstrap, "--file", temp.File("cam9.yaml")).ExitCode);
                Waiting.WaitUntil(() => collector.Records("cam9").Any(), TimeSpan.FromSeconds(30), "cam9 started", () => Describe(collector, workers));
                output.WriteLine($"cameras add: first record of cam9 {(collector.Records("cam9").Min(r => r.Arrived) - addedAt).TotalSeconds:F1} s after the command");

                // Across the moves, a window is never published by two workers, and window ids only go forward.
                foreach (var camera in collector.Cameras)
                {
                    var records = collector.Records(camera);
                    Assert.All(records.GroupBy(r => r.Id), g => Assert.Single(g.Select(r => r.Worker).Distinct()));
                    foreach (var (previous, next) in records.Zip(records.Skip(1)).Where(p => p.First.Worker != p.Second.Worker))
                        Assert.True(Start(next.Id) > Start(previous.Id), $"{camera}: {next.Worker} went on at {next.Id} after {previous.Worker}'s {previous.Id}");
                }

                // The sample consumer over all of it once the fleet has stopped: every window handled once per revision, any
                // redelivery skipped, and the alerts are exactly the windows published.
                foreach (var worker in workers.Skip(1)) worker.Signal("TERM");
                foreach (var worker in workers.Skip(1)) Assert.Equal(143, worker.WaitForExit(TimeSpan.FromSeconds(60)));
                var published = collector.All;
                Waiting.WaitUntil(() => { var count = published.Count; Thread.Sleep(2000); published = collector.All; return published.Count == count; },
                    TimeSpan.FromSeconds(30), "the detections topic read to its end");
                var consumed = Processes.Run("/usr/bin/python3", [Kafka.SampleConsumerTests.Script, "--kafka", bootstrap, "--group", "fleet-test-alerting", "--from-beginning",
                    "--min-severity", "none", "--max", published.Count.ToString()], TimeSpan.FromSeconds(120));
                Assert.True(consumed.ExitCode == 0, consumed.Stderr);
                var distinct = published.Select(r => (r.Id, r.Revision)).Distinct().Count();
                output.WriteLine($"sample consumer: {consumed.Stderr.Trim().Split('\n')[^1]} ({published.Count} published by the fleet, {distinct} distinct windows and revisions)");
                Assert.Contains($"{distinct} records handled, {published.Count - distinct} skipped", consumed.Stderr);
                var alerted = consumed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                    .Select(a => (a.GetProperty("camera").GetString()!, Math.Round(a.GetProperty("window")[0].GetDouble(), 3))).ToHashSet();
                Assert.Equal(published.Select(r => (r.Camera, Math.Round(Start(r.Id), 3))).ToHashSet(), alerted);
            }
            finally
            {
                foreach (var worker in workers) worker.Dispose();
            }
        }
        finally
        {
            foreach (var (_, server) in servers) server.Dispose();
        }
    }

    private static double Start(string id) => double.Parse(id[(id.IndexOf('@') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static string CameraJson(int i, int port) => JsonSerializer.Serialize(new { id = $"cam{i}", uri = $"http://127.0.0.1:{port}/cam.ts" });

    /// <summary>Each camera's worker over the last <paramref name="span"/> of records, when every camera had exactly one; else null.</summary>
    private static Dictionary<string, string>? Steady(RecordCollector collector, TimeSpan span)
    {
        var since = DateTime.UtcNow - span;
        var owners = new Dictionary<string, string>();
        foreach (var camera in collector.Cameras)
        {
            var workers = collector.Records(camera).Where(r => r.Arrived > since).Select(r => r.Worker).Distinct().ToList();
            if (workers.Count > 1) return null;
            if (workers.Count == 1) owners[camera] = workers[0];
        }
        return owners;
    }

    /// <summary>The longest stretch of capture time without a record, ending after the moment a worker went.</summary>
    private static double Gap(IReadOnlyList<Seen> records, DateTime at)
    {
        var times = records.Select(r => r.Capture).Order().ToList();
        return times.Zip(times.Skip(1)).Where(p => p.Second.UtcDateTime > at).Select(p => (p.Second - p.First).TotalSeconds).DefaultIfEmpty(0).Max();
    }

    private static string Describe(RecordCollector collector, List<BackgroundCli> workers) =>
        string.Join("\n", collector.Cameras.Select(c => $"{c}: {string.Join(" ", collector.Records(c).TakeLast(6).Select(r => $"{r.Worker}:{r.Id}"))}"))
        + "\n" + string.Join("\n---\n", workers.Select(w => w.Describe()));

    /// <summary>Reads the detections topic as the records arrive: camera, worker header, id, revision, capture time.</summary>
    private sealed class RecordCollector : IDisposable
    {
        private readonly List<Seen> _seen = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public RecordCollector(string bootstrap)
        {
            _thread = new Thread(() => Run(bootstrap)) { IsBackground = true };
            _thread.Start();
        }

        public IReadOnlyList<string> Cameras { get { lock (_seen) return _seen.Select(s => s.Camera).Distinct().Order().ToList(); } }

        public IReadOnlyList<Seen> Records(string camera) { lock (_seen) return _seen.Where(s => s.Camera == camera).ToList(); }

        public IReadOnlyList<Seen> All { get { lock (_seen) return _seen.ToList(); } }

        private void Run(string bootstrap)
        {
            using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap, GroupId = "fleet-test-reader", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
                TopicMetadataRefreshIntervalMs = 1000,
            }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
            consumer.Subscribe(StreamFusion.Kafka.Publish.PublisherSettings.DefaultTopic);
            while (!_stop.IsCancellationRequested)
            {
                ConsumeResult<string, string>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                }
                catch (ConsumeException)
                {
                    continue; // the topic does not exist until the first record
                }
                if (result?.Message is not { } message) continue;
                var worker = message.Headers.TryGetLastBytes("worker", out var bytes) ? Encoding.UTF8.GetString(bytes) : "?";
                var json = JsonDocument.Parse(message.Value).RootElement;
                lock (_seen)
                    _seen.Add(new Seen(message.Key, worker, json.GetProperty("id").GetString()!, json.GetProperty("revision").GetInt32(),
                        message.Timestamp.UtcDateTime, DateTime.UtcNow));
            }
            consumer.Close();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}
