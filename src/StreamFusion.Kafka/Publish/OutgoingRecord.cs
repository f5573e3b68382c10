namespace StreamFusion.Kafka.Publish;

/// <summary>One Kafka message as the publisher keeps it: key, headers, value and the capture time latency is measured from.</summary>
public sealed record OutgoingRecord(string Key, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Value, DateTimeOffset CaptureTime);
