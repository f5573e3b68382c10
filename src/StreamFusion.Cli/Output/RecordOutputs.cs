using System.Globalization;
using StreamFusion.Cli.Config;
using StreamFusion.Cli.Runtime;
using StreamFusion.Core.Pipeline;
using StreamFusion.Fusion.Fuse;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;
using StreamFusion.Kafka.Transcripts;

namespace StreamFusion.Cli.Output;

/// <summary>
/// Where a run's fused records go (Kafka, a JSON-lines file, both) and where live transcripts come from (a Kafka
/// topic). Kafka starts only once every camera has opened, so a bad input fails before any broker is touched.
/// </summary>
public sealed class RecordOutputs : IAsyncDisposable
{
    private readonly KafkaConfig _kafka;
    private readonly Action<string> _log;
    private readonly StreamWriter? _jsonl;
    private readonly object _jsonlLock = new();
    private KafkaEndpoint? _endpoint;
    private DetectionPublisher? _publisher;
    private TranscriptTopicReader? _transcripts;

    public RecordOutputs(FusionSettings fusion, string? jsonlPath, KafkaConfig kafka, Action<string> log)
    {
        (_kafka, _log) = (kafka, log);
        if (jsonlPath is not null)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(jsonlPath)) is { } folder) Directory.CreateDirectory(folder);
            _jsonl = new StreamWriter(jsonlPath);
        }
        Fusion = new FusionSetup(fusion, Write);
    }

    public FusionSetup Fusion { get; }
    public string? BootstrapServers => _endpoint?.BootstrapServers;
    public PublisherStats? Stats => _publisher?.Stats;
    public StreamFusion.Core.Metrics.LatencyHistogram? AckLatency => _publisher?.Latency;
    public TranscriptTopicReader? Transcripts => _transcripts;

    /// <summary>Connects Kafka (starting the embedded broker when none is configured) once the cameras are open.</summary>
    public void Start(RunningCameras cameras)
    {
        if (!_kafka.Enabled) return;
        var topics = new[] { _kafka.Topic }.Concat(_kafka.TranscriptTopic is { } t ? [t] : []);
        _endpoint = KafkaEndpoint.Open(_kafka.Connection, topics, _log);
        var properties = _kafka.Connection.ClientProperties(_endpoint.BootstrapServers);
        _publisher = new DetectionPublisher(_kafka.Publisher(_endpoint), properties, _log);
        if (_kafka.TranscriptTopic is { } topic)
        {
            _transcripts = new TranscriptTopicReader(topic, properties, _kafka.TranscriptsFromBeginning,
                (camera, segment) => Deliver(cameras, camera, segment),
                (camera, instant) => cameras.Find(camera)?.MediaTimeAt(instant), _log);
        }
    }

    private static bool Deliver(RunningCameras cameras, string camera, TranscriptSegment segment)
    {
        if (cameras.Find(camera) is not { } pipeline) return false;
        pipeline.AddTranscript(segment);
        return true;
    }

    private void Write(FusedRecord record)
    {
        if (_jsonl is not null)
            lock (_jsonlLock) _jsonl.WriteLine(RecordJson.Serialize(record));
        _publisher?.Publish(DetectionMessages.From(record));
    }

    /// <summary>For progress lines: what Kafka has taken so far.</summary>
    public string? Status()
    {
        if (_publisher?.Stats is not { } s) return null;
        var transcripts = _transcripts is null ? "" : $" transcripts={_transcripts.Received} malformed={_transcripts.Malformed}";
        return string.Create(CultureInfo.InvariantCulture,
            $"[kafka] published={s.Accepted} delivered={s.Delivered} waiting={s.Waiting} spooled={s.Spooled} p99={s.LatencyP99.TotalMilliseconds:F1}ms{transcripts}");
    }

    /// <summary>
    /// After the cameras' run: delivers what is left, optionally keeps the embedded broker serving, and gives the
    /// exit code (a stop's code, else the delivery's).
    /// </summary>
    public async Task<int> CompleteAsync(PipelineOutcome outcome, ShutdownSignal shutdown, bool keepServing)
    {
        var interrupted = outcome != PipelineOutcome.Completed;
        var delivery = await FinishAsync(interrupted ? Min(_kafka.FlushTimeout, InterruptedFlush) : _kafka.FlushTimeout);
        if (interrupted) return shutdown.ExitCode;
        if (keepServing) await ServeUntilStoppedAsync(shutdown.Token);
        return delivery;
    }

    private static readonly TimeSpan InterruptedFlush = TimeSpan.FromSeconds(5);
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Waits for the broker to take every record (up to the timeout) and prints what was published.
    /// Records still undelivered stay in the spool and make the run fail with the network exit code.
    /// </summary>
    private async Task<int> FinishAsync(TimeSpan timeout)
    {
        if (_jsonl is not null) await _jsonl.FlushAsync(CancellationToken.None);
        if (_publisher is null) return ExitCodes.Ok;
        var waiting = await _publisher.FlushAsync(timeout);
        var s = _publisher.Stats;
        var recovered = s.Recovered > 0 ? $" (with {s.Recovered} recovered from the spool)" : "";
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kafka: {s.Accepted} records published to {_publisher.Topic} at {_endpoint!.BootstrapServers}: {s.Delivered} delivered{recovered}, " +
            $"{s.Spooled} spooled, {s.Resent} resent, {s.Rejected} rejected, {s.Refused} refused (spool full); capture→ack latency " +
            $"p50 {s.LatencyP50.TotalMilliseconds:F1} ms, p95 {s.LatencyP95.TotalMilliseconds:F1} ms, p99 {s.LatencyP99.TotalMilliseconds:F1} ms"));
        if (_transcripts is { } t)
            Console.Out.WriteLine($"kafka: transcripts: {t.Received} segments read from {_kafka.TranscriptTopic}, {t.Malformed} malformed and {t.UnknownCamera} for other cameras skipped");
        if (waiting == 0) return ExitCodes.Ok;
        Console.Error.WriteLine($"error: kafka: {waiting} record(s) not delivered to {_endpoint.BootstrapServers} within {timeout.TotalSeconds:F0} s " +
                                $"(broker unreachable?); kept in spool {_publisher.SpoolDirectory} for the next start");
        return ExitCodes.Network;
    }

    /// <summary>Keeps the embedded broker serving after the run until a stop, so clients can still read the records.</summary>
    private async Task ServeUntilStoppedAsync(CancellationToken stop)
    {
        if (_endpoint is not { IsEmbedded: true }) return;
        _log($"kafka: run finished; the embedded broker keeps serving at {_endpoint.BootstrapServers} until Ctrl+C");
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
        _transcripts?.Dispose();
        _publisher?.Dispose();
        _endpoint?.Dispose();
        if (_jsonl is not null) await _jsonl.DisposeAsync();
    }
}
