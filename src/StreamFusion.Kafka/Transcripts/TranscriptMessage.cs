using System.Text;
using System.Text.Json;
using StreamFusion.Fusion.Transcripts;

namespace StreamFusion.Kafka.Transcripts;

/// <summary>
/// A transcript segment as a speech-to-text service publishes it: key = camera id, value =
/// {"start": 12.3, "end": 13.1, "text": "…", "speaker": "A"} with times in that camera's media seconds
/// ("camera" in the value is accepted when there is no key).
/// </summary>
public static class TranscriptMessage
{
    public static bool TryParse(string? key, byte[]? value, out string camera, out TranscriptSegment segment, out string problem)
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
            if (!Number(root, "start", out var start) || !Number(root, "end", out var end))
                return Fail("\"start\" and \"end\" must be numbers (media seconds)", out problem);
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
