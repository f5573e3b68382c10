using Microsoft.Extensions.Logging;
using StreamFusion.Hosting.Config;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Hosting.Records;

/// <summary>
/// A topic beside the records (camera status, snapshots) through the same durable spool, in a folder of its own.
/// Messages from before Kafka connects (cameras opening) wait in memory and go first.
/// </summary>
public sealed class TopicDelivery(KafkaConfig kafka, string topic, string spoolFolder, ILogger logger) : IDisposable
{
    private readonly Queue<OutgoingRecord> _early = new();
    private readonly object _gate = new();
    private DetectionPublisher? _publisher;

    public string Topic => topic;

    public void Start(KafkaEndpoint endpoint)
    {
        lock (_gate)
        {
            _publisher = new DetectionPublisher(kafka.SidePublisher(endpoint, topic, spoolFolder), kafka.Connection.ClientProperties(endpoint.BootstrapServers), logger);
            while (_early.TryDequeue(out var waiting)) _publisher.Publish(waiting);
        }
    }

    public void Publish(OutgoingRecord message)
    {
        lock (_gate)
        {
            if (_publisher is null) _early.Enqueue(message);
            else _publisher.Publish(message);
        }
    }

    /// <returns>messages not acknowledged in time (kept in the spool)</returns>
    public Task<long> FlushAsync(TimeSpan timeout) => _publisher?.FlushAsync(timeout) ?? Task.FromResult(0L);

    public void Dispose() => _publisher?.Dispose();
}
