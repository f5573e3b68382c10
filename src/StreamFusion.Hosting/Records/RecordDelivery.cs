using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamFusion.Fusion.Windows;
using StreamFusion.Hosting.Config;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Hosting.Records;

/// <summary>What the run delivered to Kafka, when it is done.</summary>
/// <param name="Undelivered">records the broker had not acknowledged by the flush timeout (kept in the spool)</param>
public sealed record DeliverySummary(string Topic, string BootstrapServers, PublisherStats Stats, long Undelivered, TimeSpan FlushTimeout, string SpoolDirectory)
{
    public override string ToString()
    {
        var s = Stats;
        var recovered = s.Recovered > 0 ? $" (with {s.Recovered} recovered from the spool)" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"kafka: {s.Accepted} records published to {Topic} at {BootstrapServers}: {s.Delivered} delivered{recovered}, " +
            $"{s.Spooled} spooled, {s.Resent} resent, {s.Rejected} rejected, {s.Refused} refused (spool full); capture→ack latency " +
            $"p50 {s.LatencyP50.TotalMilliseconds:F1} ms, p95 {s.LatencyP95.TotalMilliseconds:F1} ms, p99 {s.LatencyP99.TotalMilliseconds:F1} ms");
    }
}

/// <summary>
/// Where a run's fused records go: Kafka (the embedded broker when none is configured), a JSON-lines file, both.
/// Kafka connects only once every camera has opened, so a bad input fails before any broker is touched.
/// </summary>
public sealed class RecordDelivery : IRecordSink, IAsyncDisposable
{
    private static readonly TimeSpan InterruptedFlush = TimeSpan.FromSeconds(5);
    private readonly KafkaConfig _kafka;
    private readonly ILogger _logger;
    private readonly StreamWriter? _jsonl;
    private readonly object _jsonlLock = new();
    private readonly Action<FusedRecord>? _observer;
    private DetectionPublisher? _publisher;
    private readonly EvidenceDelivery? _snapshots;

    /// <param name="observer">sees every record too (an embedding application's callback)</param>
    /// <param name="evidence">where incident snapshots go; null: none taken</param>
    public RecordDelivery(FusionSettings fusion, string? jsonlPath, KafkaConfig kafka, ILogger logger, Action<FusedRecord>? observer = null, EvidenceSettings? evidence = null)
    {
        (Fusion, _kafka, _logger, _observer, Evidence) = (fusion, kafka, logger, observer, evidence);
        CameraStatus = kafka is { Enabled: true, StatusTopic: { } statusTopic } ? new CameraStatusDelivery(kafka, statusTopic, logger) : null;
        Retention = evidence?.Retain is { } retain ? new EvidenceRetention(evidence.Directory, retain, logger) : null;
        Retention?.Start();
        _snapshots = evidence is not null && kafka is { Enabled: true, SnapshotsTopic: { } snapshotsTopic } ? new EvidenceDelivery(kafka, snapshotsTopic, logger) : null;
        if (jsonlPath is not null)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(jsonlPath)) is { } folder) Directory.CreateDirectory(folder);
            _jsonl = new StreamWriter(jsonlPath) { AutoFlush = true }; // a live run's file is read while it grows
        }
    }

    public FusionSettings Fusion { get; }
    public EvidenceSettings? Evidence { get; }
    /// <summary>Keeps the evidence folder within evidence.retain; null without limits.</summary>
    public EvidenceRetention? Retention { get; }
    /// <summary>Camera state changes to the status topic; null without Kafka or with no status topic.</summary>
    public CameraStatusDelivery? CameraStatus { get; }
    /// <summary>The cluster records go to, once connected; null without Kafka.</summary>
    public KafkaEndpoint? Endpoint { get; private set; }
    public PublisherStats? Stats => _publisher?.Stats;
    public StreamFusion.Core.Metrics.LatencyHistogram? AckLatency => _publisher?.Latency;

    /// <summary>Connects Kafka (starting the embedded broker when none is configured) once the cameras are open.</summary>
    public void Start()
    {
        if (!_kafka.Enabled) return;
        var topics = new[] { _kafka.Topic }.Concat(_kafka.TranscriptTopic is { } t ? [t] : []).Concat(CameraStatus is { } s ? [s.Topic] : [])
            .Concat(_snapshots is { } e ? [e.Topic] : []);
        Endpoint = KafkaEndpoint.Open(_kafka.Connection, topics, _logger);
        _publisher = new DetectionPublisher(_kafka.Publisher(Endpoint), _kafka.Connection.ClientProperties(Endpoint.BootstrapServers), _logger);
        CameraStatus?.Start(Endpoint);
        _snapshots?.Start(Endpoint);
    }

    public string? PublishSnapshot(FusedRecord record, FusedSnapshot snapshot, byte[] jpeg) =>
        _snapshots is not null && _snapshots.Snapshot(record, snapshot, jpeg) ? _snapshots.Topic : null;

    public void PublishClip(ClipReady clip) => _snapshots?.Clip(clip);

    public void Write(FusedRecord record)
    {
        if (_jsonl is not null)
            lock (_jsonlLock) _jsonl.WriteLine(RecordJson.Serialize(record));
        _publisher?.Publish(DetectionMessages.From(record));
        _observer?.Invoke(record);
    }

    /// <summary>For progress lines: what Kafka has taken so far.</summary>
    public string? Status() => _publisher?.Stats is not { } s ? null : string.Create(CultureInfo.InvariantCulture,
        $"[kafka] published={s.Accepted} delivered={s.Delivered} waiting={s.Waiting} spooled={s.Spooled} p99={s.LatencyP99.TotalMilliseconds:F1}ms");

    /// <summary>
    /// After the cameras' run: waits for the broker to take every record (up to the flush timeout; shorter after a
    /// stop). Records still undelivered stay in the spool for the next start.
    /// </summary>
    /// <returns>what was delivered; null without Kafka</returns>
    public async Task<DeliverySummary?> FinishAsync(bool interrupted)
    {
        if (_jsonl is not null) await _jsonl.FlushAsync(CancellationToken.None);
        if (_publisher is null) return null;
        var timeout = interrupted && InterruptedFlush < _kafka.FlushTimeout ? InterruptedFlush : _kafka.FlushTimeout;
        var statusFlush = CameraStatus?.FlushAsync(timeout) ?? Task.FromResult(0L); // side by side: one timeout, not two
        var snapshotsFlush = _snapshots?.FlushAsync(timeout) ?? Task.FromResult(0L);
        var waiting = await _publisher.FlushAsync(timeout);
        if (await statusFlush is > 0 and var statusWaiting)
            _logger.LogWarning("kafka: {Waiting} camera status message(s) not delivered to {Topic}; kept in the spool for the next start", statusWaiting, CameraStatus!.Topic);
        if (await snapshotsFlush is > 0 and var snapshotsWaiting)
            _logger.LogWarning("kafka: {Waiting} snapshot message(s) not delivered to {Topic}; kept in the spool for the next start", snapshotsWaiting, _snapshots!.Topic);
        if (waiting > 0)
            _logger.LogError("kafka: {Waiting} record(s) not delivered to {Servers} within {Seconds:F0} s (broker unreachable?); kept in spool {Spool} for the next start",
                waiting, Endpoint!.BootstrapServers, timeout.TotalSeconds, _publisher.SpoolDirectory);
        return new DeliverySummary(_publisher.Topic, Endpoint!.BootstrapServers, _publisher.Stats, waiting, timeout, _publisher.SpoolDirectory);
    }

    /// <summary>Keeps the embedded broker serving after the run until a stop, so clients can still read the records.</summary>
    public async Task ServeUntilStoppedAsync(CancellationToken stop)
    {
        if (Endpoint is not { IsEmbedded: true }) return;
        _logger.LogInformation("kafka: run finished; the embedded broker keeps serving at {Servers} until Ctrl+C", Endpoint.BootstrapServers);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _publisher?.Dispose();
        CameraStatus?.Dispose();
        _snapshots?.Dispose();
        Retention?.Dispose();
        Endpoint?.Dispose();
        if (_jsonl is not null) await _jsonl.DisposeAsync();
    }
}
