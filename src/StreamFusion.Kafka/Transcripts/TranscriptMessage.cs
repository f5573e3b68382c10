using System.Text;
using System.Text.Json;
using StreamFusion.Fusion.Transcripts;

namespace StreamFusion.Kafka.Transcripts;

/// <summary>
/// A transcript segment as a speech-to-text service publishes it: key = camera id, value =
/// {"start": 12.3, "end": 13.1, "text": "…", "speaker": "A"} with times in that camera's media seconds, or
/// {"wallclock_start": "2026-11-22T10:00:01.200Z", "wallclock_end": "…", …} in UTC for a service that only knows
/// when words were spoken ("camera" in the value is accepted when there is no key).
/// </summary>
public static class TranscriptMessage
{
    /// <param name="mediaTime">a camera's media time at a wall-clock instant; null when that camera is not here or has no clock yet</param>
    public static bool TryParse(string? key, byte[]? value, Func<string, DateTimeOffset, double?> mediaTime,
        out string camera, out TranscriptSegment segment, out string problem)
    {
        (camera, segment, problem) = ("", null!, "");
        if (value is null || value.Length == 0) return Fail("empty message", out problem);
        try
        {
            using var json = JsonDocument.Parse(value);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("not a JSON object", out problem);
            camera = key ?? (root.TryGetProperty("camera", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "");
            if (camera.Length == 0) return Fail("no camera: set the message key (or \"camera\") to the camera id", out problem);
            double start, end;
            if (Instant(root, "wallclock_start") is { } wallStart && Instant(root, "wallclock_end") is { } wallEnd)
            {
                if (mediaTime(camera, wallStart) is not { } mediaStart || mediaTime(camera, wallEnd) is not { } mediaEnd)
                    return Fail($"camera '{camera}' has no media clock here to place wall-clock times on", out problem);
                (start, end) = (Math.Max(0, mediaStart), Math.Max(0, mediaEnd));
            }
            else if (!Number(root, "start", out start) || !Number(root, "end", out end))
                return Fail("\"start\" and \"end\" must be numbers (media seconds), or \"wallclock_start\" and \"wallclock_end\" UTC times", out problem);
            if (start < 0 || end < start) return Fail($"bad times: start {start}, end {end}", out problem);
            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                return Fail("\"text\" must be a string", out problem);
            var speaker = root.TryGetProperty("speaker", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            segment = new TranscriptSegment(start, end, text.GetString()!, "kafka", speaker);
            return true;
        }
        catch (JsonException e)
        {
            return Fail($"not JSON ({Encoding.UTF8.GetString(value.AsSpan(0, Math.Min(value.Length, 40)))}…: {e.Message.Split('.')[0]})", out problem);
        }
    }

    private static DateTimeOffset? Instant(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String &&
        DateTimeOffset.TryParse(element.GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var instant) ? instant : null;

    private static bool Number(JsonElement root, string name, out double value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value) && double.IsFinite(value);
    }

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
