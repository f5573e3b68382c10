using System.Diagnostics;
using System.Globalization;
using System.Text;
using StreamFusion.Fusion.Windows;
using StreamFusion.Core;

namespace StreamFusion.Kafka.Publish;

/// <summary>A fused record as a Kafka message: key = camera (per-camera order), JSON value, descriptive headers.</summary>
public static class DetectionMessages
{
    public const string SchemaHeader = "schema", CameraHeader = "camera", PtsHeader = "pts", CaptureTimeHeader = "capture_time",
        TraceIdHeader = "trace_id", TraceParentHeader = "traceparent", ContentTypeHeader = "content-type";

    public static OutgoingRecord From(FusedRecord record)
    {
        var trace = Activity.Current?.TraceId ?? ActivityTraceId.CreateRandom();
        var span = ActivitySpanId.CreateRandom();
        return new OutgoingRecord(record.Camera,
        [
            new(SchemaHeader, FusedRecord.Schema),
            new(CameraHeader, record.Camera),
            new(PtsHeader, record.Start.ToString("R", CultureInfo.InvariantCulture)),
            new(CaptureTimeHeader, UtcText.Format(record.Wallclock)),
            new(TraceIdHeader, trace.ToHexString()),
            new(TraceParentHeader, $"00-{trace.ToHexString()}-{span.ToHexString()}-01"),
            new(ContentTypeHeader, "application/json"),
        ], Encoding.UTF8.GetBytes(RecordJson.Serialize(record)), record.EndCaptured);
    }
}
