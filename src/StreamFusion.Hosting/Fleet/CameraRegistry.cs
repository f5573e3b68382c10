using System.Text;
using Confluent.Kafka;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Hosting.Fleet;

/// <summary>
/// The fleet's cameras as a compacted Kafka topic: key = camera id, value = the camera's config section as JSON,
/// a tombstone (null value) removes it. Its partitions are what workers are assigned: a camera runs on the worker
/// that holds its key's partition.
/// </summary>
public sealed class CameraRegistry(KafkaConnection connection, string topic = CameraRegistry.DefaultTopic)
{
    public const string DefaultTopic = "streamfusion.cameras";
    /// <summary>Partitions bound the workers that get cameras; 12 spreads evenly over 1, 2, 3, 4, 6 or 12 workers.</summary>
    public const int DefaultPartitions = 12;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Topic => topic;

    private Dictionary<string, string> Properties => connection.ClientProperties(connection.BootstrapServers
        ?? throw new ArgumentException("--kafka HOST:PORT is required (the cluster that holds the camera registry; `streamfusion broker` runs one)"));

    /// <summary>Every registered camera, id → config JSON: the topic read to its end.</summary>
    public IReadOnlyDictionary<string, string> ReadAll()
    {
        var properties = Properties;
        var partitions = TopicPartitions.Lookup(properties, topic, Timeout);
        var cameras = new Dictionary<string, string>();
        if (partitions.Count == 0) return cameras;
        properties["group.id"] = "streamfusion-cameras";
        properties["enable.auto.commit"] = "false";
        properties["enable.partition.eof"] = "true";
        using var consumer = new ConsumerBuilder<string?, byte[]?>(properties).SetLogHandler((_, _) => { }).Build();
        var ends = new HashSet<int>();
        foreach (var partition in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout);
            if (marks.High.Value == marks.Low.Value) ends.Add(partition); // empty: nothing to wait for
        }
        consumer.Assign(partitions.Where(p => !ends.Contains(p)).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + Timeout;
        while (ends.Count < partitions.Count)
        {
            if (DateTime.UtcNow > deadline) throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"reading {topic} took longer than {Timeout.TotalSeconds:F0} s"));
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                ends.Add(result.Partition.Value);
                continue;
            }
            Apply(cameras, result.Message);
        }
        return cameras;
    }

    /// <summary>One message of the registry applied to a set of cameras: a config, or a tombstone removing it.</summary>
    public static void Apply(Dictionary<string, string> cameras, Message<string?, byte[]?> message)
    {
        if (message.Key is not { Length: > 0 } id) return;
        if (message.Value is null) cameras.Remove(id);
        else cameras[id] = Encoding.UTF8.GetString(message.Value);
    }

    /// <summary>Writes a camera's config (or, with null, its tombstone) and waits for the broker to take it.</summary>
    public async Task PutAsync(string id, string? json)
    {
        var properties = Properties;
        properties["enable.idempotence"] = "true";
        using var producer = new ProducerBuilder<string, byte[]?>(properties).SetLogHandler((_, _) => { }).Build();
        using var timeout = new CancellationTokenSource(Timeout);
        await producer.ProduceAsync(topic, new Message<string, byte[]?> { Key = id, Value = json is null ? null : Encoding.UTF8.GetBytes(json) }, timeout.Token);
    }
}
