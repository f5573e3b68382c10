using System.Text;
using Confluent.Kafka;

namespace StreamFusion.Kafka.Publish;

/// <summary>One Kafka message as the publisher keeps it: key, headers, value and the capture time latency is measured from.</summary>
public sealed record OutgoingRecord(string Key, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Value, DateTimeOffset CaptureTime)
{
    /// <summary>As Confluent.Kafka sends it; the message timestamp is the capture time.</summary>
    /// <param name="extra">headers every message of the process carries (the fleet worker's id)</param>
    public Message<string, byte[]> ToMessage(IReadOnlyList<KeyValuePair<string, string>>? extra = null)
    {
        var headers = new Headers();
        foreach (var (name, value) in Headers.Concat(extra ?? [])) headers.Add(name, Encoding.UTF8.GetBytes(value));
        return new Message<string, byte[]> { Key = Key, Value = Value, Headers = headers, Timestamp = new Timestamp(CaptureTime) };
    }
}
