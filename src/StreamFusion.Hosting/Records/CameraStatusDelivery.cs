using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamFusion.Hosting.Config;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;
using StreamFusion.Media.Live;
using StreamFusion.Core;

namespace StreamFusion.Hosting.Records;

/// <summary>
/// Camera status on Kafka: one message per state change (connecting, live, stalled, backing-off, ended, failed),
/// key = camera id, so a compacted topic keeps each camera's latest. It goes through a durable spool like the
/// records, so a consumer learns that a camera was offline even when the broker was away meanwhile.
/// </summary>
public sealed class CameraStatusDelivery(KafkaConfig kafka, string topic, ILogger logger) : IDisposable
{
    public const string Schema = "streamfusion.status.v1";
    private readonly TopicDelivery _delivery = new(kafka, topic, "status", logger);

    public string Topic => topic;

    /// <summary>Reports the camera's state now (connecting, at start) and every change from here on.</summary>
    public void Watch(CameraHealth health)
    {
        health.Changed += Report;
        Report(health, health.State, null);
    }

    public void Start(KafkaEndpoint endpoint) => _delivery.Start(endpoint);

    private void Report(CameraHealth health, CameraState state, string? detail) => _delivery.Publish(Message(health, state, detail, DateTimeOffset.UtcNow));

    /// <returns>messages not acknowledged in time (kept in the spool)</returns>
    public Task<long> FlushAsync(TimeSpan timeout) => _delivery.FlushAsync(timeout);

    internal static OutgoingRecord Message(CameraHealth health, CameraState state, string? detail, DateTimeOffset at)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("camera", health.Camera);
            w.WriteString("state", state.Name());
            w.WriteString("time", UtcText.Format(at));
            if (detail is not null) w.WriteString("reason", detail); // errors name sources with their credentials redacted
            else w.WriteNull("reason");
            w.WriteNumber("reconnects", health.Reconnects);
            w.WriteNumber("gap_seconds", Math.Round(health.GapSeconds, 3));
            w.WriteEndObject();
        }
        return new OutgoingRecord(health.Camera,
        [
            new(DetectionMessages.SchemaHeader, Schema),
            new(DetectionMessages.CameraHeader, health.Camera),
            new(DetectionMessages.ContentTypeHeader, "application/json"),
        ], buffer.ToArray(), at);
    }

    public void Dispose() => _delivery.Dispose();
}
