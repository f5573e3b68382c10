using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Hosting.Config;

/// <summary>
/// The `kafka:` section: one connection (the embedded broker when no bootstrap servers are given) shared by the
/// detections producer and the transcript reader, the detections topic and the outage spool.
/// </summary>
public sealed record KafkaConfig
{
    public bool Enabled { get; init; } = true;
    public KafkaConnection Connection { get; init; } = KafkaConnection.Embedded;
    public string Topic { get; init; } = PublisherSettings.DefaultTopic;
    /// <summary>Live transcript segments from a speech-to-text service (JSON keyed by camera id); null reads none.</summary>
    public string? TranscriptTopic { get; init; }
    public bool TranscriptsFromBeginning { get; init; }
    /// <summary>Outbox for undelivered records; null: the default per cluster and topic (a temporary one for the embedded broker).</summary>
    public string? SpoolDirectory { get; init; }
    public long SpoolMaxBytes { get; init; } = 1L << 30;
    public bool SpoolFsync { get; init; }
    public int MemoryRecords { get; init; } = 10_000;
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Camera state changes (key = camera id, so a compacted topic keeps each camera's latest); null sends none.</summary>
    public string? StatusTopic { get; init; } = DefaultStatusTopic;

    public const string DefaultStatusTopic = "streamfusion.status";

    /// <summary>Incident snapshots (JPEG) and "clip ready" messages, key = camera id, when evidence is on; null sends none.</summary>
    public string? SnapshotsTopic { get; init; } = DefaultSnapshotsTopic;

    public const string DefaultSnapshotsTopic = "streamfusion.snapshots";

    /// <summary>The fleet worker this process is (a "worker" header on every message); null: not a worker.</summary>
    public string? WorkerId { get; init; }

    private IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders => WorkerId is { } worker ? [new("worker", worker)] : [];

    public PublisherSettings Publisher(KafkaEndpoint endpoint) => new(
        Topic,
        OwnSpool(endpoint.IsEmbedded ? SpoolDirectory : SpoolDirectory ?? PublisherSettings.DefaultSpoolDirectory(endpoint.BootstrapServers, Topic)),
        MemoryRecords, SpoolMaxBytes, SpoolFsync) { ExtraHeaders = ExtraHeaders };

    /// <summary>A side topic's publisher (status, snapshots): the same durable spool machinery, in a folder of its own.</summary>
    public PublisherSettings SidePublisher(KafkaEndpoint endpoint, string topic, string folder) => new(
        topic,
        OwnSpool(SpoolDirectory is { } records ? Path.Combine(records, folder) : endpoint.IsEmbedded ? null : PublisherSettings.DefaultSpoolDirectory(endpoint.BootstrapServers, topic)),
        MemoryRecords, SpoolMaxBytes, SpoolFsync) { ExtraHeaders = ExtraHeaders };

    /// <summary>Workers sharing a machine and a config each keep their own spool, in a folder named after the worker.</summary>
    private string? OwnSpool(string? spool) => spool is not null && WorkerId is { } worker ? Path.Combine(spool, "worker-" + worker) : spool;
}
