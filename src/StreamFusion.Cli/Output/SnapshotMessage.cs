using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamFusion.Hosting.Records;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Cli.Output;

/// <summary>`tail --snapshots`: a snapshots-topic message saved as a file (a JPEG) or described (a clip ready), one line each.</summary>
public static class SnapshotMessage
{
    public static string Save(Message<string?, byte[]> message, string folder)
    {
        string? Header(string name) => message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
        var (camera, kind, incident) = (Header(DetectionMessages.CameraHeader) ?? message.Key ?? "", Header(EvidenceDelivery.KindHeader), Header(EvidenceDelivery.IncidentHeader));
        if (kind == "clip-ready") return ClipLine(message.Value);
        if (Header(DetectionMessages.ContentTypeHeader) != "image/jpeg" || kind is not ("start" or "best") || incident is null || camera.Length == 0)
            return $"(not a snapshot: kind '{kind}', content type '{Header(DetectionMessages.ContentTypeHeader)}')";
        // The file's name comes from the headers' camera, incident and kind only (made safe), never from a path a message carries.
        var path = Path.Combine(folder, EvidencePaths.Folder(camera, incident), kind + ".jpg");
        EvidencePaths.WriteAtomically(path, message.Value);
        return string.Create(CultureInfo.InvariantCulture, $"{camera} {incident} {kind} pts {Header(DetectionMessages.PtsHeader)}: saved {path} ({message.Value.Length} bytes)");
    }

    private static string ClipLine(byte[] value)
    {
        try
        {
            var clip = JsonDocument.Parse(value).RootElement;
            return string.Create(CultureInfo.InvariantCulture,
                $"{clip.GetProperty("camera").GetString()} clip ready: {clip.GetProperty("path").GetString()} ({clip.GetProperty("duration").GetDouble():F1} s, {clip.GetProperty("bytes").GetInt64()} bytes, sha256 {clip.GetProperty("sha256").GetString()})");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "(not a clip-ready message)";
        }
    }
}
