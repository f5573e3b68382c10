using Confluent.Kafka;
using StreamFusion.Kafka.Embedded;
using StreamFusion.Kafka.Publish;
using static StreamFusion.Tests.Kafka.KafkaTestSupport;

namespace StreamFusion.Tests.Kafka;

/// <summary>The detections publisher against librdkafka's mock cluster: real Kafka protocol on loopback, faults injected.</summary>
public class PublisherTests
{
    private const string Topic = "detections";

    private static DetectionPublisher Publisher(EmbeddedBroker broker, string? spool, List<string>? log = null, TimeSpan? stall = null,
        Dictionary<string, string>? extra = null) =>
        new(new PublisherSettings(Topic, spool, StallNotice: stall ?? TimeSpan.FromSeconds(1)),
            new Dictionary<string, string>(extra ?? []) { ["bootstrap.servers"] = broker.BootstrapServers },
            new LineLogger(line => { lock (log ?? []) log?.Add(line); }));

    [Fact]
    public async Task Publishes_in_order_with_keys_headers_and_measured_latency()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic, partitions: 3);
        using var temp = new TempDirectory();
        PublisherStats stats;
        using (var publisher = Publisher(broker, temp.Path))
        {
            for (var i = 0; i < 300; i++) Assert.True(publisher.Publish(Numbered($"cam{i % 3}", i)));
            Assert.Equal(0, await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
            stats = publisher.Stats;
        }

        var records = ReadAll(broker.BootstrapServers, Topic, partitions: 3);
        Assert.Equal(300, records.Count);
        Assert.Equal((300, 300, 0L), (stats.Accepted, stats.Delivered, stats.Waiting));
        Assert.True(stats.LatencyP50 > TimeSpan.Zero && stats.LatencyP99 >= stats.LatencyP50, $"{stats}");
        foreach (var camera in records.GroupBy(r => r.Key))
        {
            Assert.Single(camera.Select(r => r.Partition).Distinct()); // key → one partition → per-camera order
            var sequence = camera.OrderBy(r => r.Offset).Select(Sequence).ToList();
            Assert.Equal(sequence.Order(), sequence);
            Assert.All(camera, r => Assert.Equal(camera.Key, r.Headers["camera"]));
        }
    }

    [Fact]
    public async Task Broker_down_for_longer_than_a_producer_timeout_loses_nothing_and_duplicates_nothing()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        using var temp = new TempDirectory();
        var log = new List<string>();
        using var publisher = Publisher(broker, temp.Path, log);
        for (var i = 0; i < 50; i++) publisher.Publish(Numbered("cam", i));
        Assert.Equal(0, await publisher.FlushAsync(TimeSpan.FromSeconds(30)));

        broker.SetBrokerDown();
        for (var i = 50; i < 250; i++)
        {
            publisher.Publish(Numbered("cam", i));
            if (i % 20 == 0) await Task.Delay(300); // 3 s of records arriving while the broker is away
        }
        await Task.Delay(3000); // down 6 s in all: a plain producer with message.timeout.ms=3000 would drop records here
        Assert.True(publisher.Stats.Waiting > 0);
        broker.SetBrokerUp();
        Assert.Equal(0, await publisher.FlushAsync(TimeSpan.FromSeconds(60)));

        var sequence = ReadAll(broker.BootstrapServers, Topic).Select(Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, 250), sequence); // every record, once, in order
        var stats = publisher.Stats;
        Assert.True(stats.Outages >= 1 && stats.Spooled > 0, $"{stats}");
        lock (log)
        {
            Assert.Contains(log, l => l.Contains("no acknowledgement from the broker") && l.Contains("nothing is dropped"));
            Assert.Contains(log, l => l.Contains("acknowledging again"));
        }
    }

    [Fact]
    public void The_same_outage_makes_a_plain_producer_with_a_message_timeout_lose_records()
    {
        // The fault above is real: a producer as usually configured drops what times out while the broker is down.
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        var failed = 0;
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
               { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, MessageTimeoutMs = 3000 }).Build())
        {
            producer.Produce(Topic, new Message<string, string> { Key = "cam", Value = "warm-up" });
            producer.Flush(TimeSpan.FromSeconds(10));
            broker.SetBrokerDown();
            for (var i = 0; i < 100; i++)
                producer.Produce(Topic, new Message<string, string> { Key = "cam", Value = $"{i}" }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
            Thread.Sleep(6000);
            broker.SetBrokerUp();
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(100, failed);
        Assert.Single(ReadAll(broker.BootstrapServers, Topic));
    }

    [Fact]
    public async Task Retriable_produce_errors_are_retried_without_loss_or_duplicates()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        using var temp = new TempDirectory();
        using var publisher = Publisher(broker, temp.Path);
        publisher.Publish(Numbered("cam", 0));
        Assert.Equal(0, await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        broker.TrackRequests();
        broker.FailNextProduceRequests(ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition,
            ErrorCode.NotEnoughReplicasAfterAppend, ErrorCode.LeaderNotAvailable, ErrorCode.RequestTimedOut);
        for (var i = 1; i < 200; i++) publisher.Publish(Numbered("cam", i));
        Assert.Equal(0, await publisher.FlushAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(Enumerable.Range(0, 200), ReadAll(broker.BootstrapServers, Topic).Select(Sequence));
        Assert.True(broker.ProduceRequests() >= 7, "the six injected errors each failed a produce request, then one succeeded");
    }

    [Fact]
    public async Task Records_left_in_the_spool_are_delivered_first_by_the_next_publisher()
    {
        using var broker = new EmbeddedBroker();
        broker.CreateTopic(Topic);
        using var temp = new TempDirectory();
        broker.SetBrokerDown();
        using (var first = Publisher(broker, temp.Path))
        {
            for (var i = 0; i < 40; i++) first.Publish(Numbered("cam", i));
            Assert.Equal(40, await first.FlushAsync(TimeSpan.FromSeconds(1)));
        }
        broker.SetBrokerUp();
        var log = new List<string>();
        using (var second = Publisher(broker, temp.Path, log))
        {
            for (var i = 40; i < 60; i++) second.Publish(Numbered("cam", i));
            Assert.Equal(0, await second.FlushAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal((40L, 60L), (second.Stats.Recovered, second.Stats.Delivered));
        }
        Assert.Equal(Enumerable.Range(0, 60), ReadAll(broker.BootstrapServers, Topic).Select(Sequence));
        Assert.Contains(log, l => l.Contains("40 undelivered record(s) from a previous run"));
    }
}
