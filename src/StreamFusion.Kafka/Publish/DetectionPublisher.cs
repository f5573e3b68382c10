using Microsoft.Extensions.Logging;
using System.Text;
using Confluent.Kafka;
using StreamFusion.Core.Metrics;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Kafka.Publish;

/// <summary>
/// Publishes records to one topic without losing any while the broker is away. Every record is first appended to
/// the durable spool, then handed, in spool order, to an idempotent producer (acks=all): at once when nothing waits
/// before it, otherwise by a pump once fewer than <see cref="PublisherSettings.MemoryRecords"/> await
/// acknowledgement. The spool's delivered mark follows the acknowledgements. librdkafka's message timeout is infinite by default, so an outage never fails a
/// record: it waits in librdkafka (bounded) and on disk, and idempotence keeps per-partition order without
/// duplicates when the broker returns. If a user sets message.timeout.ms, failed records are re-sent from the spool.
/// </summary>
public sealed class DetectionPublisher : IDisposable
{
    private static readonly HashSet<ErrorCode> RejectedForGood =
        [ErrorCode.MsgSizeTooLarge, ErrorCode.InvalidMsg, ErrorCode.InvalidRecord, ErrorCode.RecordListTooLarge];

    private readonly PublisherSettings _settings;
    private readonly Dictionary<string, string> _producerProperties;
    private readonly RecordSpool _spool;
    private readonly bool _temporarySpool;
    private readonly ILogger _logger;
    private readonly LatencyHistogram _latency = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _flight = new();
    private readonly Queue<InFlight> _inFlight = new();   // send order; head leaves once acknowledged
    private readonly HashSet<long> _alreadyAcked = [];     // after a rewind: records acknowledged before it
    private readonly Thread _pump;
    private readonly NoticeLimiter _notices = new(TimeSpan.FromSeconds(30));
    private IProducer<string, byte[]> _producer;
    private OutgoingRecord? _held; private long _heldEnd;  // read from the spool but refused by a full producer queue
    private int _outstanding;                              // handed to the producer, no report yet
    private bool _rewind, _recreate;
    private long _resendUntil = -1;                        // records up to this spool offset were handed out before a rewind
    private DateTime _lastProgress = DateTime.UtcNow;
    private DateTime? _stalledSince;
    private long _accepted, _delivered, _spooled, _resent, _rejected, _refused, _outages;

    /// <param name="properties">librdkafka properties: bootstrap.servers, shared connection settings, producer overrides</param>
    /// <param name="logger">one-line notices: recovery, outages, limits, rejections</param>
    public DetectionPublisher(PublisherSettings settings, IReadOnlyDictionary<string, string> properties, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _producerProperties = ProducerProperties(properties, logger);
        _temporarySpool = settings.SpoolDirectory is null;
        var directory = settings.SpoolDirectory ?? Path.Combine(Path.GetTempPath(), $"streamfusion-spool-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _spool = RecordSpool.Open(directory, settings.SpoolMaxBytes, settings.SpoolFsync);
        try
        {
            _producer = CreateProducer();
        }
        catch
        {
            _spool.Dispose();
            throw;
        }
        if (_spool.Recovered > 0)
            logger.LogInformation($"kafka: {_spool.Recovered} undelivered record(s) from a previous run found in spool {directory}; delivering them first");
        _pump = new Thread(Pump) { IsBackground = true, Name = "kafka-publisher" };
        _pump.Start();
    }

    public string Topic => _settings.Topic;
    public string SpoolDirectory => _spool.Directory;

    public PublisherStats Stats
    {
        get
        {
            lock (_flight)
                return new PublisherStats(_accepted, _delivered, _spooled, _resent, _spool.Recovered, _rejected, _refused,
                    _spool.UnackedRecords, _spool.UnackedBytes, _outages, _latency.Percentile(0.5), _latency.Percentile(0.95), _latency.Percentile(0.99));
        }
    }

    public LatencyHistogram Latency => _latency;

    /// <summary>
    /// Accepts a record for delivery; false (counted, logged) only when the spool is full. When nothing is waiting
    /// before it, the record goes to the producer at once; otherwise the pump sends it from the spool in its turn.
    /// </summary>
    public bool Publish(OutgoingRecord record)
    {
        bool sentNow;
        lock (_flight)
        {
            var direct = !_rewind && _held is null && _inFlight.Count < _settings.MemoryRecords && !_stop.IsCancellationRequested;
            if (!_spool.TryAppend(record, out var end, claimIfCaughtUp: direct, out var claimed))
            {
                _refused++;
                if (_notices.Allow("full"))
                    _logger.LogWarning($"kafka: spool {_spool.Directory} is full ({_settings.SpoolMaxBytes} bytes of undelivered records): refusing new records " +
                         $"({_refused} so far); raise kafka.spool.max_mb or bring the broker back");
                return false;
            }
            _accepted++;
            if (_stalledSince is not null || _inFlight.Count >= _settings.MemoryRecords) _spooled++; // waits for the broker
            sentNow = claimed && Send(record, end);
        }
        if (!sentNow) _wake.Set();
        return true;
    }

    /// <summary>Waits until every record is acknowledged or the timeout passes; returns how many are still waiting.</summary>
    public async Task<long> FlushAsync(TimeSpan timeout, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_spool.UnackedRecords > 0 && DateTime.UtcNow < deadline && !cancel.IsCancellationRequested)
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        return _spool.UnackedRecords;
    }

    private static Dictionary<string, string> ProducerProperties(IReadOnlyDictionary<string, string> properties, ILogger logger)
    {
        var merged = new Dictionary<string, string>
        {
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            ["compression.type"] = "lz4",
            ["linger.ms"] = "5",           // detections are small and urgent: a short batch, not the 5 ms-1 s of throughput tuning
            ["message.timeout.ms"] = "0",  // never fail a record because the broker is away: it waits, in order
            ["socket.keepalive.enable"] = "true",
        };
        foreach (var (key, value) in properties) merged[key] = value;
        if (merged["message.timeout.ms"] != "0")
            logger.LogWarning($"kafka: message.timeout.ms={merged["message.timeout.ms"]}: records that time out are re-sent from the spool, but librdkafka may " +
                "deliver later records first; leave it unset (infinite) for strict per-camera order");
        return merged;
    }

    private IProducer<string, byte[]> CreateProducer()
    {
        try
        {
            return new ProducerBuilder<string, byte[]>(_producerProperties)
                .SetErrorHandler((_, error) => OnClientError(error))
                .SetLogHandler((_, message) =>
                {
                    if (message.Level <= SyslogLevel.Warning && _notices.Allow("log:" + message.Facility))
                        _logger.LogWarning($"kafka: {message.Facility}: {message.Message}");
                })
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException)
        {
            throw new KafkaSetupException($"kafka producer: {e.Message}");
        }
    }

    private void OnClientError(Error error)
    {
        if (error.IsFatal)
        {
            lock (_flight) _recreate = _rewind = true;
            _logger.LogError($"kafka: fatal producer error ({error.Code}: {error.Reason}); starting a new producer and re-sending what was not acknowledged");
        }
        else if (_notices.Allow("error:" + error.Code))
            _logger.LogWarning($"kafka: {error.Reason}");
        _wake.Set();
    }

    private void Pump()
    {
        while (!_stop.IsCancellationRequested)
        {
            _wake.Reset();
            try
            {
                RestartIfNeeded();
                HandOver();
                NoticeStall();
            }
            catch (Exception e)
            {
                if (_notices.Allow("pump")) _logger.LogWarning($"kafka: publisher: {e.Message} (retrying)");
                _wake.Wait(TimeSpan.FromSeconds(1));
            }
            _wake.Wait(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>After a failed delivery: once nothing is outstanding, read the spool again from the delivered mark.</summary>
    private void RestartIfNeeded()
    {
        lock (_flight)
        {
            if (!_rewind || _outstanding > 0) return;
            foreach (var entry in _inFlight.Where(e => e.Acked)) _alreadyAcked.Add(entry.End);
            if (_inFlight.Count > 0) _resendUntil = Math.Max(_resendUntil, _inFlight.Max(e => e.End));
            _inFlight.Clear();
            _held = null;
            _spool.Rewind();
            if (_recreate)
            {
                // Under the lock: nothing is sent to the old producer while the new one starts.
                _producer.Dispose();
                _producer = CreateProducer();
                _recreate = false;
            }
            _rewind = false;
        }
    }

    private void HandOver()
    {
        while (!_stop.IsCancellationRequested)
        {
            lock (_flight)
            {
                if (_rewind || _inFlight.Count >= _settings.MemoryRecords) return;
                OutgoingRecord record;
                long end;
                if (_held is not null) (record, end, _held) = (_held, _heldEnd, null);
                else if (!_spool.TryReadNext(out record, out end)) return;
                if (!Send(record, end)) return;
            }
        }
    }

    /// <summary>
    /// Hands one record (the next in spool order) to the producer; under the flight lock, so a delivery report
    /// never arrives for an entry not yet queued. False when the producer took it not: it is held for the next try.
    /// </summary>
    private bool Send(OutgoingRecord record, long end)
    {
        var resend = end <= _resendUntil;
        if (end >= _resendUntil) _resendUntil = -1;
        var entry = new InFlight(end, record.CaptureTime);
        if (_alreadyAcked.Remove(end))
        {
            entry.Acked = true;
            _inFlight.Enqueue(entry);
            AdvanceDeliveredMark();
            return true;
        }
        try
        {
            _producer.Produce(_settings.Topic, record.ToMessage(_settings.ExtraHeaders), report => OnDelivery(entry, report));
        }
        catch (Exception e) when (e is ProduceException<string, byte[]> or KafkaException)
        {
            (_held, _heldEnd) = (record, end);
            // A full librdkafka queue (smaller than the memory window) clears as acknowledgements come in.
            if (e is not ProduceException<string, byte[]> { Error.Code: ErrorCode.Local_QueueFull })
            {
                _rewind = true;
                if (_notices.Allow("produce")) _logger.LogWarning($"kafka: produce failed ({e.Message}); retrying");
            }
            return false;
        }
        if (resend) _resent++;
        if (_inFlight.Count == 0) _lastProgress = DateTime.UtcNow;
        _inFlight.Enqueue(entry);
        _outstanding++;
        return true;
    }

    private void OnDelivery(InFlight entry, DeliveryReport<string, byte[]> report)
    {
        lock (_flight)
        {
            _outstanding--;
            if (_stop.IsCancellationRequested) return; // shutting down: what was not acknowledged stays in the spool
            var code = report.Error.Code;
            if (code == ErrorCode.NoError || RejectedForGood.Contains(code))
            {
                entry.Acked = true;
                if (code == ErrorCode.NoError)
                {
                    _delivered++;
                    _latency.Record(DateTimeOffset.UtcNow - entry.Capture);
                }
                else Reject(report);
                if (_stalledSince is { } since)
                {
                    _logger.LogInformation($"kafka: broker acknowledging again after {(DateTime.UtcNow - since).TotalSeconds:F1} s; delivering {_spool.UnackedRecords} waiting record(s)");
                    _stalledSince = null;
                }
                _lastProgress = DateTime.UtcNow;
                AdvanceDeliveredMark();
            }
            else
            {
                _rewind = true;
                if (_notices.Allow("delivery:" + code))
                    _logger.LogWarning($"kafka: delivery failed ({code}: {report.Error.Reason}); the record stays in the spool and is sent again");
            }
            // The pump has work only when records wait behind the memory window or must be sent again.
            if (!_rewind && _held is null && !_spool.HasUnread) return;
        }
        _wake.Set();
    }

    private void AdvanceDeliveredMark()
    {
        var (count, end) = (0, -1L);
        while (_inFlight.TryPeek(out var head) && head.Acked)
        {
            _inFlight.Dequeue();
            (count, end) = (count + 1, head.End);
        }
        if (count > 0) _spool.Acknowledge(end, count);
    }

    private void Reject(DeliveryReport<string, byte[]> report)
    {
        _rejected++;
        _logger.LogError($"kafka: broker rejected a record for good ({report.Error.Code}: {report.Error.Reason}); kept in {Path.Combine(_spool.Directory, "rejected.jsonl")}");
        try
        {
            File.AppendAllText(Path.Combine(_spool.Directory, "rejected.jsonl"), Encoding.UTF8.GetString(report.Message.Value) + "\n");
        }
        catch (IOException e)
        {
            _logger.LogError($"kafka: could not keep the rejected record: {e.Message}");
        }
    }

    private void NoticeStall()
    {
        lock (_flight)
        {
            if (_outstanding == 0 || _stalledSince is not null || DateTime.UtcNow - _lastProgress < _settings.StallNoticeOrDefault) return;
            _stalledSince = _lastProgress;
            _outages++;
            _logger.LogWarning($"kafka: no acknowledgement from the broker for {(DateTime.UtcNow - _lastProgress).TotalSeconds:F0} s (unreachable?): " +
                 $"{_spool.UnackedRecords} record(s) waiting, kept in spool {_spool.Directory}; nothing is dropped");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _wake.Set();
        _pump.Join();
        _producer.Dispose(); // does not wait for acknowledgements: what is unacknowledged is in the spool
        var leftover = _spool.UnackedRecords;
        _spool.Dispose();
        if (_temporarySpool) Directory.Delete(_spool.Directory, recursive: true);
        else if (leftover > 0)
            _logger.LogWarning($"kafka: {leftover} record(s) not yet delivered are kept in spool {_spool.Directory}; the next start with this spool delivers them");
        _wake.Dispose();
        _stop.Dispose();
    }

    private sealed class InFlight(long end, DateTimeOffset capture)
    {
        public long End { get; } = end;
        public DateTimeOffset Capture { get; } = capture;
        public bool Acked { get; set; }
    }
}
