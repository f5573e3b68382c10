using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StreamFusion.Cli.Output;

/// <summary>
/// One detection record (streamfusion.detection.v1 JSON) as one readable line:
/// time, camera, window, objects, audio, keywords, severity, incident.
/// </summary>
public static class RecordLine
{
    public static string Format(JsonElement record)
    {
        var line = new StringBuilder();
        var wallclock = DateTimeOffset.Parse(record.GetProperty("wallclock").GetString()!, CultureInfo.InvariantCulture);
        var window = record.GetProperty("window");
        line.Append(CultureInfo.InvariantCulture, $"{wallclock.UtcDateTime:HH:mm:ss.fff} {record.GetProperty("camera").GetString()} ");
        line.Append(CultureInfo.InvariantCulture, $"[{window.GetProperty("start").GetDouble():F1}-{window.GetProperty("end").GetDouble():F1}s]");
        if (record.GetProperty("revision").GetInt32() is var revision and > 0) line.Append(CultureInfo.InvariantCulture, $" (correction {revision})");

        var objects = record.GetProperty("objects").EnumerateArray().GroupBy(o => o.GetProperty("label").GetString())
            .Select(g => g.Count() > 1 ? $"{g.Key}×{g.Count()}" : g.Key);
        line.Append(" | ").Append(string.Join(" ", objects) is { Length: > 0 } seen ? seen : "-");

        line.Append(" | ");
        if (record.GetProperty("audio") is { ValueKind: JsonValueKind.Object } audio)
        {
            line.Append(CultureInfo.InvariantCulture, $"{audio.GetProperty("rms_db").GetDouble():F0} dBFS");
            if (audio.GetProperty("speech").GetDouble() is var speech and >= 0.5) line.Append(CultureInfo.InvariantCulture, $" speech {speech:F2}");
            foreach (var e in audio.GetProperty("events").EnumerateArray()) line.Append(' ').Append(e.GetProperty("kind").GetString());
        }
        else line.Append("no audio");

        var keywords = record.GetProperty("transcript").GetProperty("keywords").EnumerateArray().Select(k => k.GetString()).ToList();
        var text = record.GetProperty("transcript").GetProperty("text").GetString();
        line.Append(" | ").Append(keywords.Count > 0 ? "keywords: " + string.Join(", ", keywords) : string.IsNullOrEmpty(text) ? "-" : $"\"{text}\"");

        var fused = record.GetProperty("fused");
        line.Append(CultureInfo.InvariantCulture, $" | {fused.GetProperty("severity").GetString()} {fused.GetProperty("score").GetDouble():F2}");
        if (record.GetProperty("incident") is { ValueKind: JsonValueKind.Object } incident)
            line.Append(CultureInfo.InvariantCulture, $" | incident {incident.GetProperty("id").GetString()} {incident.GetProperty("state").GetString()}");
        return line.ToString();
    }
}
