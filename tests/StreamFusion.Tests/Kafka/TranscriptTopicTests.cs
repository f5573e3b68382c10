using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Kafka.Embedded;
using StreamFusion.Kafka.Transcripts;
using static StreamFusion.Tests.Kafka.KafkaTestSupport;
using static StreamFusion.Tests.Waiting;

namespace StreamFusion.Tests.Kafka;

/// <summary>Live transcript segments from a speech-to-text service's topic, joined into the camera's windows.</summary>
public class TranscriptTopicTests
{
    private const string Topic = "streamfusion.transcripts";

    private static void Produce(string bootstrap, params (string? Key, string Value)[] messages)
    {
        using var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        foreach (var (key, value) in messages) producer.Produce(Topic, new Message<string?, string> { Key = key, Value = value });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Segments_go_to_their_camera_and_malformed_messages_are_counted_and_skipped()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic, partitions: 2);
        Produce(broker.BootstrapServers,
            ("cam", """{"start": 1.0, "end": 1.5, "text": "help", "speaker": "A"}"""),
            ("cam", "not json at all"),
            ("cam", """{"start": 2.0, "text": "no end"}"""),
            ("cam", """{"start": 3.0, "end": 2.0, "text": "ends before it starts"}"""),
            (null, """{"start": 1.0, "end": 2.0, "text": "no camera anywhere"}"""),
            (null, """{"camera": "cam", "start": 4.0, "end": 4.5, "text": "camera in the value"}"""),
            ("elsewhere", """{"start": 1.0, "end": 2.0, "text": "another process's camera"}"""),
            ("cam", """{"start": 5.0, "end": 5.25, "text": "police"}"""),
            ("cam", """{"wallclock_start": "2026-11-22T10:00:07.500Z", "wallclock_end": "2026-11-22T10:00:08Z", "text": "fire"}"""));
        var delivered = new ConcurrentQueue<(string Camera, TranscriptSegment Segment)>();
        var log = new ConcurrentQueue<string>();

        using var reader = new TranscriptTopicReader(Topic, new Dictionary<string, string> { ["bootstrap.servers"] = broker.BootstrapServers }, fromBeginning: true,
            (camera, segment) =>
            {
                if (camera != "cam") return false;
                delivered.Enqueue((camera, segment));
                return true;
            },
            // the camera's media clock read 2.0 s at 10:00:00 UTC
            (camera, instant) => camera == "cam" ? 2.0 + (instant - DateTimeOffset.Parse("2026-11-22T10:00:00Z", CultureInfo.InvariantCulture)).TotalSeconds : null,
            new LineLogger(log.Enqueue));
        WaitUntil(() => reader.Received + reader.Malformed + reader.UnknownCamera == 9, TimeSpan.FromSeconds(30), "all 9 messages");

        Assert.Equal((4L, 4L, 1L), (reader.Received, reader.Malformed, reader.UnknownCamera));
        Assert.Equal(["camera in the value", "fire", "help", "police"], delivered.Select(d => d.Segment.Text).Order());
        var fire = delivered.Single(d => d.Segment.Text == "fire").Segment;
        Assert.Equal((9.5, 10.0), (fire.Start, fire.End)); // placed on the media clock
        var help = delivered.Single(d => d.Segment.Text == "help").Segment;
        Assert.Equal((1.0, 1.5, "A", "kafka"), (help.Start, help.End, help.Speaker, help.Source));
        Assert.Contains(log, l => l.Contains("skipped") && l.Contains(Topic));
    }

    [Fact]
    public void A_live_run_joins_transcript_segments_from_the_topic_into_its_windows()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        broker.CreateTopic("streamfusion.detections");
        // GRID's word timings as a speech-to-text service would publish them, plus one malformed message.
        var words = SubtitleFileReader.Read(TestAssets.Media("grid_swwp2s.align"));
        Produce(broker.BootstrapServers, [.. words.Select(w => ((string?)"talking-face",
            string.Create(CultureInfo.InvariantCulture, $$"""{"start": {{w.Start}}, "end": {{w.End}}, "text": "{{w.Text}}"}"""))), ("talking-face", "{oops")]);
        using var temp = new TempDirectory();
        var config = temp.File("pipeline.yaml");
        File.WriteAllText(config, $"""
            version: 1
            audio: {"{}"}
            fusion: {"{"} keywords: [white], transcript_lateness: 1s {"}"}
            kafka:
              bootstrap_servers: {broker.BootstrapServers}
              transcript_topic: {Topic}
              transcript_offset: earliest
              spool: {"{"} dir: {temp.File("spool")} {"}"}
            cameras:
              - id: talking-face
                uri: {TestAssets.Media("grid_swwp2s.mpg")}
                pace: realtime
            """);

        var result = Processes.Cli("run", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains($"transcripts: {words.Count} segments read from {Topic}, 1 malformed", result.Stdout);
        // The latest revision of each window is what a consumer keeps.
        var windows = ReadAll(broker.BootstrapServers, "streamfusion.detections")
            .Select(r => r.Json).GroupBy(r => r.GetProperty("id").GetString())
            .ToDictionary(g => g.Key!, g => g.MaxBy(r => r.GetProperty("revision").GetInt32()));
        string Text(int second) => windows[$"talking-face@{second}.000"].GetProperty("transcript").GetProperty("text").GetString()!;
        Assert.Equal("set white", Text(0));
        Assert.Equal("white with p two soon", Text(1));
        Assert.Equal("soon", Text(2));
        Assert.Contains("keyword 'white'", windows["talking-face@0.000"].GetProperty("fused").GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }
}
