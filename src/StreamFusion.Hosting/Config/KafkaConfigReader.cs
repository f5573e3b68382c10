using StreamFusion.Core.Config;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Hosting.Config;

/// <summary>Reads the `kafka:` section (see pipelines/default.yaml for every key).</summary>
public static class KafkaConfigReader
{
    public static KafkaConfig Read(YamlSection? section, string configFile)
    {
        var defaults = new KafkaConfig();
        if (section is null) return defaults;
        var bootstrap = section.String("bootstrap_servers");
        var config = defaults with
        {
            Enabled = section.Bool("enabled", true),
            Connection = new KafkaConnection(string.IsNullOrWhiteSpace(bootstrap) ? null : bootstrap.Trim(), section.StringMap("properties")),
            Topic = section.String("topic") ?? defaults.Topic,
            TranscriptTopic = section.String("transcript_topic") is { Length: > 0 } transcripts ? transcripts : null,
            TranscriptsFromBeginning = section.Choice("transcript_offset", false, TryParseOffset, "'latest' or 'earliest'"),
            FlushTimeout = section.Duration("flush_timeout", defaults.FlushTimeout),
            StatusTopic = section.Has("status_topic") ? section.String("status_topic") is { Length: > 0 } status ? status : null : defaults.StatusTopic,
            SnapshotsTopic = section.Has("snapshots_topic") ? section.String("snapshots_topic") is { Length: > 0 } snapshots ? snapshots : null : defaults.SnapshotsTopic,
        };
        if (section.Section("spool") is { } spool)
        {
            var directory = spool.String("dir");
            config = config with
            {
                SpoolDirectory = string.IsNullOrWhiteSpace(directory) ? null
                    : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? ".", directory)),
                SpoolMaxBytes = (long)(spool.Number("max_mb", defaults.SpoolMaxBytes / (1 << 20), 1, 1 << 20) * (1 << 20)),
                MemoryRecords = spool.Int("memory_records", defaults.MemoryRecords, 1, 1_000_000),
                SpoolFsync = spool.Bool("fsync", defaults.SpoolFsync),
            };
            spool.RejectUnknownKeys();
        }
        if (config.Topic.Length == 0) section.Error(null, "topic", "must not be empty");
        section.RejectUnknownKeys();
        return config;
    }

    private static bool TryParseOffset(string text, out bool fromBeginning)
    {
        fromBeginning = text.Trim() == "earliest";
        return text.Trim() is "earliest" or "latest";
    }
}
