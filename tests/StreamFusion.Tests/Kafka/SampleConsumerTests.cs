using System.Text.Json;
using StreamFusion.Fusion.Windows;
using StreamFusion.Kafka.Embedded;
using StreamFusion.Kafka.Publish;
using StreamFusion.Tests.Config;

namespace StreamFusion.Tests.Kafka;

/// <summary>samples/consumer: the documented pattern for services that consume detections, run against real records.</summary>
public class SampleConsumerTests
{
    /// <summary>The sample consumer script, run with Debian's /usr/bin/python3 (python3-confluent-kafka).</summary>
    internal static readonly string Script = Path.Combine(PipelineConfigTests.RepositoryRoot(), "samples", "consumer", "detections_consumer.py");

    private static FusedRecord Window(int second, string severity, int revision = 0) => new(
        $"lobby@{second}.000", "lobby", second, second + 1, DateTimeOffset.UtcNow,
        [new FusedObject("person", 0.9, [0.1, 0.1, 0.2, 0.5], 3)], null, new FusedTranscript("help me", ["help"]),
        severity == "high" ? 0.8 : 0.1, severity, severity == "high" ? ["person present", "keyword 'help'"] : [],
        severity == "high" ? new IncidentState($"lobby@{second}.000", "start", second, ["person", "keyword"]) : null, revision);

    [Fact]
    public async Task The_sample_consumer_alerts_once_per_record_revision_and_skips_redeliveries()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(PublisherSettings.DefaultTopic);
        using (var publisher = new DetectionPublisher(new PublisherSettings(), new Dictionary<string, string> { ["bootstrap.servers"] = broker.BootstrapServers }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            foreach (var record in new[] { Window(0, "none"), Window(1, "high"), Window(1, "high"), Window(1, "high", revision: 1) })
                publisher.Publish(DetectionMessages.From(record));
            Assert.Equal(0, await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        }
        var result = Processes.Run("/usr/bin/python3", [Script, "--kafka", broker.BootstrapServers, "--from-beginning", "--max", "4"], TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var alerts = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, alerts.Count); // the high window and its correction; not the quiet window, not the redelivery
        Assert.All(alerts, a => Assert.Equal(("lobby", "high", "lobby@1.000"), (a.GetProperty("camera").GetString(), a.GetProperty("severity").GetString(), a.GetProperty("incident").GetString())));
        Assert.Equal([false, true], alerts.Select(a => a.GetProperty("correction").GetBoolean()));
        Assert.Contains("3 records handled, 1 skipped", result.Stderr);
    }
}
