using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamFusion.Fusion.Windows;
using StreamFusion.Hosting.Config;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;
using StreamFusion.Core;

namespace StreamFusion.Hosting.Records;

/// <summary>
/// The snapshots topic: each incident snapshot as a JPEG message and each "clip ready" as JSON, key = camera id,
/// through the records' durable spool machinery, so a broker outage during an incident loses no evidence.
/// Headers say what a message is: kind (start, best, clip-ready), incident, revision, pts, capture time, content type.
/// </summary>
public sealed class EvidenceDelivery(KafkaConfig kafka, string topic, ILogger logger) : IDisposable
{
    public const string SnapshotSchema = "streamfusion.snapshot.v1";
    public const string KindHeader = "kind", IncidentHeader = "incident", RevisionHeader = "revision", PathHeader = "path";

    /// <summary>librdkafka's default message.max.bytes, less room for headers: a bigger JPEG stays a file only.</summary>
    private const int MaxMessageBytes = 990_000;

    private readonly TopicDelivery _delivery = new(kafka, topic, "snapshots", logger);

    public string Topic => topic;

    public void Start(KafkaEndpoint endpoint) => _delivery.Start(endpoint);

    /// <returns>false when the JPEG is too big for a message (evidence.snapshot.max_width makes it smaller)</returns>
    public bool Snapshot(FusedRecord record, FusedSnapshot snapshot, byte[] jpeg)
    {
        if (jpeg.Length > MaxMessageBytes)
        {
            logger.LogWarning("evidence: snapshot {Path} is {Bytes} bytes, over a Kafka message; kept as a file only (set evidence.snapshot.max_width)", snapshot.Path, jpeg.Length);
            return false;
        }
        _delivery.Publish(new OutgoingRecord(record.Camera,
        [
            new(DetectionMessages.SchemaHeader, SnapshotSchema),
            new(DetectionMessages.CameraHeader, record.Camera),
            new(KindHeader, snapshot.Kind),
            new(IncidentHeader, record.Incident!.Id),
            new(RevisionHeader, record.Revision.ToString(CultureInfo.InvariantCulture)),
            new(DetectionMessages.PtsHeader, snapshot.Pts.ToString("R", CultureInfo.InvariantCulture)),
            new(DetectionMessages.CaptureTimeHeader, UtcText.Format(record.Wallclock)),
            new(PathHeader, snapshot.Path),
            new(DetectionMessages.ContentTypeHeader, "image/jpeg"),
        ], jpeg, record.EndCaptured));
        return true;
    }

    public void Clip(ClipReady clip) => _delivery.Publish(new OutgoingRecord(clip.Camera,
    [
        new(DetectionMessages.SchemaHeader, ClipReady.Schema),
        new(DetectionMessages.CameraHeader, clip.Camera),
        new(KindHeader, "clip-ready"),
        new(IncidentHeader, clip.Incidents[0]),
        new(PathHeader, clip.Path),
        new(DetectionMessages.ContentTypeHeader, "application/json"),
    ], clip.ToJson(), clip.EndCaptured ?? DateTimeOffset.UtcNow));

    /// <returns>messages not acknowledged in time (kept in the spool)</returns>
    public Task<long> FlushAsync(TimeSpan timeout) => _delivery.FlushAsync(timeout);

    public void Dispose() => _delivery.Dispose();
}
