using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Tests.Kafka;

public sealed record ConsumedRecord(string Key, string Value, int Partition, long Offset, Dictionary<string, string> Headers)
{
    public JsonElement Json => JsonDocument.Parse(Value).RootElement;
}

public static class KafkaTestSupport
{
    /// <summary>Everything in the topic right now (all partitions, from the beginning), read with a plain Confluent consumer.</summary>
    public static List<ConsumedRecord> ReadAll(string bootstrap, string topic, int partitions = 1)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "test-reader", EnablePartitionEof = true, EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumedRecord>();
        var finished = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (finished.Count < partitions && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                finished.Add(result.Partition.Value);
                continue;
            }
            var headers = result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
            records.Add(new ConsumedRecord(result.Message.Key, result.Message.Value, result.Partition.Value, result.Offset.Value, headers));
        }
        Assert.True(finished.Count == partitions, "the consumer did not reach the end of the topic in 30 s");
        return records;
    }

    /// <summary>Debian's kcat (an independent Kafka client, a separate process) reading the whole topic as JSON lines.</summary>
    public static List<JsonElement> Kcat(string bootstrap, string topic)
    {
        var result = Processes.Run("kcat", ["-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q"], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"kcat failed: {result.Stderr}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    /// <summary>A small record with a sequence number in its value, for ordering and exactly-once checks.</summary>
    public static OutgoingRecord Numbered(string camera, int sequence) =>
        new(camera, [new("camera", camera)], Encoding.UTF8.GetBytes($"{{\"camera\":\"{camera}\",\"n\":{sequence}}}"), DateTimeOffset.UtcNow);

    public static int Sequence(ConsumedRecord record) => record.Json.GetProperty("n").GetInt32();
}
