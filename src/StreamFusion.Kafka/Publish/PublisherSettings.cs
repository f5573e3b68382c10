namespace StreamFusion.Kafka.Publish;

/// <summary>Where and how records are published, and how much waits for the broker in memory and on disk.</summary>
/// <param name="SpoolDirectory">durable outbox; null = a private temporary one (embedded broker, nothing to keep)</param>
/// <param name="MemoryRecords">records handed to the producer before the next waits on disk only</param>
/// <param name="SpoolMaxBytes">undelivered bytes kept on disk; beyond, new records are refused (counted, logged)</param>
/// <param name="StallNotice">no acknowledgement for this long while records wait: say the broker looks unreachable</param>
public sealed record PublisherSettings(
    string Topic = PublisherSettings.DefaultTopic,
    string? SpoolDirectory = null,
    int MemoryRecords = 10_000,
    long SpoolMaxBytes = 1L << 30,
    bool SpoolFsync = false,
    TimeSpan? StallNotice = null)
{
    /// <summary>Headers added to every message when it is sent (not spooled: a record resent by another process says who sent it).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders { get; init; } = [];
    public const string DefaultTopic = "streamfusion.detections";
    public TimeSpan StallNoticeOrDefault => StallNotice ?? TimeSpan.FromSeconds(5);

    /// <summary>Default spool for a real cluster: one per topic and cluster under the user's state directory.</summary>
    public static string DefaultSpoolDirectory(string bootstrapServers, string topic)
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        var cluster = new string(bootstrapServers.Split(',')[0].Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        return Path.Combine(state, "streamfusion", "spool", $"{cluster}-{topic}");
    }
}
