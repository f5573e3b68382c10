using Microsoft.Extensions.Logging;
using Confluent.Kafka;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Kafka.Transcripts;

/// <summary>
/// Reads live transcript segments from a Kafka topic and hands each to its camera. Every partition is assigned
/// directly (no consumer group): each StreamFusion process needs the segments of its own cameras, wherever their
/// keys hash. Malformed messages and unknown cameras are counted and logged, never fatal.
/// </summary>
public sealed class TranscriptTopicReader : IDisposable
{
    private readonly string _topic;
    private readonly IReadOnlyDictionary<string, string> _connection;
    private readonly Dictionary<string, string> _properties;
    private readonly bool _fromBeginning;
    private readonly Func<string, TranscriptSegment, bool> _deliver;
    private readonly Func<string, DateTimeOffset, double?> _mediaTime;
    private readonly ILogger _logger;
    private readonly NoticeLimiter _notices = new(TimeSpan.FromSeconds(30));
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _received, _malformed, _unknownCamera;

    /// <param name="deliver">hands a segment to its camera; false when no such camera runs here</param>
    /// <param name="mediaTime">a camera's media time at a wall-clock instant, for segments timed in UTC</param>
    public TranscriptTopicReader(string topic, IReadOnlyDictionary<string, string> properties, bool fromBeginning,
        Func<string, TranscriptSegment, bool> deliver, Func<string, DateTimeOffset, double?> mediaTime, ILogger logger)
    {
        (_topic, _connection, _fromBeginning, _deliver, _mediaTime, _logger) = (topic, properties, fromBeginning, deliver, mediaTime, logger);
        _properties = new Dictionary<string, string>(properties)
        {
            ["group.id"] = "streamfusion-transcripts", // required by librdkafka; nothing is committed to it
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
        };
        _thread = new Thread(Run) { IsBackground = true, Name = "kafka-transcripts" };
        _thread.Start();
    }

    public long Received => Interlocked.Read(ref _received);
    public long Malformed => Interlocked.Read(ref _malformed);
    public long UnknownCamera => Interlocked.Read(ref _unknownCamera);

    private void Run()
    {
        try
        {
            using var consumer = new ConsumerBuilder<string?, byte[]>(_properties)
                .SetErrorHandler((_, e) => { if (_notices.Allow("error:" + e.Code)) _logger.LogWarning($"kafka: transcripts: {e.Reason}"); })
                .SetLogHandler((_, _) => { })
                .Build();
            if (!AssignAll(consumer)) return;
            while (!_stop.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is { } message) Handle(result, message);
            }
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            _logger.LogError($"kafka: transcript reader stopped: {e.Message}");
        }
    }

    private bool AssignAll(IConsumer<string?, byte[]> consumer)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var partitions = TopicPartitions.Lookup(_connection, _topic, TimeSpan.FromSeconds(5));
                if (partitions.Count > 0)
                {
                    var offset = _fromBeginning ? Offset.Beginning : Offset.End;
                    consumer.Assign(partitions.Select(p => new TopicPartitionOffset(_topic, p, offset)));
                    return true;
                }
                if (_notices.Allow("missing")) _logger.LogWarning($"kafka: transcript topic '{_topic}' does not exist yet; checking again every 5 s");
            }
            catch (KafkaException e)
            {
                if (_notices.Allow("metadata")) _logger.LogWarning($"kafka: transcript topic '{_topic}': {e.Error.Reason}; retrying");
            }
            _stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
        }
        return false;
    }

    private void Handle(ConsumeResult<string?, byte[]> result, Message<string?, byte[]> message)
    {
        if (!TranscriptMessage.TryParse(message.Key, message.Value, _mediaTime, out var camera, out var segment, out var problem))
        {
            var count = Interlocked.Increment(ref _malformed);
            if (_notices.Allow("malformed"))
                _logger.LogWarning($"kafka: transcript {result.TopicPartitionOffset}: skipped: {problem} ({count} malformed so far)");
            return;
        }
        if (_deliver(camera, segment))
        {
            Interlocked.Increment(ref _received);
            return;
        }
        var unknown = Interlocked.Increment(ref _unknownCamera);
        if (_notices.Allow("camera:" + camera))
            _logger.LogWarning($"kafka: transcript {result.TopicPartitionOffset}: camera '{camera}' is not in this pipeline; skipped ({unknown} so far)");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
