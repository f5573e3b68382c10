namespace StreamFusion.Kafka.Connection;

/// <summary>
/// How to reach Kafka, shared by the detections producer and the transcript consumer: bootstrap servers (none
/// means the embedded broker) and librdkafka properties passed through as they are (security.protocol,
/// sasl.*, ssl.*, …). Client-specific settings are layered on top by each client.
/// </summary>
public sealed record KafkaConnection(string? BootstrapServers, IReadOnlyDictionary<string, string> Properties)
{
    public static readonly KafkaConnection Embedded = new(null, new Dictionary<string, string>());

    public bool UsesEmbeddedBroker => BootstrapServers is null;

    /// <summary>librdkafka properties for a client: the passed-through ones, then bootstrap servers.</summary>
    public Dictionary<string, string> ClientProperties(string bootstrapServers)
    {
        var properties = new Dictionary<string, string>(Properties) { ["bootstrap.servers"] = bootstrapServers };
        properties.TryAdd("client.id", "streamfusion");
        return properties;
    }
}
