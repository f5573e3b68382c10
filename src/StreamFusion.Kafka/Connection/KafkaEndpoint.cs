using Microsoft.Extensions.Logging;
using StreamFusion.Kafka.Embedded;

namespace StreamFusion.Kafka.Connection;

/// <summary>
/// The cluster a run talks to: the configured one, or an embedded broker started for this process (announced
/// with its address, and with a warning that it keeps nothing).
/// </summary>
public sealed class KafkaEndpoint : IDisposable
{
    private readonly EmbeddedBroker? _embedded;

    private KafkaEndpoint(KafkaConnection connection, string bootstrapServers, EmbeddedBroker? embedded)
    {
        (Connection, BootstrapServers, _embedded) = (connection, bootstrapServers, embedded);
    }

    public KafkaConnection Connection { get; }
    public string BootstrapServers { get; }
    public bool IsEmbedded => _embedded is not null;

    /// <param name="topics">created on the embedded broker (a real cluster's topics are its operators' business)</param>
    public static KafkaEndpoint Open(KafkaConnection connection, IEnumerable<string> topics, ILogger logger)
    {
        if (!connection.UsesEmbeddedBroker) return new KafkaEndpoint(connection, connection.BootstrapServers!, null);
        var broker = new EmbeddedBroker();
        foreach (var topic in topics.Distinct()) broker.CreateTopic(topic);
        logger.LogInformation($"kafka: embedded broker at {broker.BootstrapServers} (in memory, for trying things out: records vanish when this process ends; " +
                 "use --kafka HOST:PORT or kafka.bootstrap_servers for a real cluster)");
        logger.LogInformation($"kafka: read it meanwhile with: kcat -b {broker.BootstrapServers} -C -t {string.Join(",", topics.Distinct())}   or   streamfusion tail --kafka {broker.BootstrapServers}");
        return new KafkaEndpoint(connection, broker.BootstrapServers, broker);
    }

    public void Dispose() => _embedded?.Dispose();
}
