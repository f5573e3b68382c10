using System.Globalization;
using System.Text.Json;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Cli.Output;

/// <summary>
/// Writes one record per analysed frame: JSON lines ({"frame","pts","objects":[{"label","score","box":[x,y,w,h]
/// normalised,"track"}],"events","scene"}) or readable lines; keeps every track's span for the closing summary. "scene"
/// holds the scene rules' events; a frame the motion gate skipped is written only when it has some ("carried": true).
/// </summary>
public sealed class DetectionWriter(TextWriter output, bool json, bool embeddings)
{
    private readonly Dictionary<int, TrackEvent> _tracks = [];

    public IReadOnlyCollection<TrackEvent> Tracks => _tracks.Values;

    public async ValueTask WriteAsync(FrameAnalysis analysis)
    {
        foreach (var e in analysis.Events.Where(e => e.Kind == "lost")) _tracks[e.TrackId] = e;
        if (json) await output.WriteLineAsync(Json(analysis));
        else foreach (var line in Lines(analysis)) await output.WriteLineAsync(line);
    }

    private string Json(FrameAnalysis analysis)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (analysis.EndOfStream) w.WriteBoolean("end", true);
            else w.WriteNumber("frame", analysis.FrameIndex);
            if (analysis.Carried) w.WriteBoolean("carried", true);
            w.WriteNumber("pts", Math.Round(analysis.Pts, 6));
            w.WriteStartArray("objects");
            foreach (var o in analysis.Objects)
            {
                var box = o.Detection.Box.Normalize(analysis.Width, analysis.Height);
                w.WriteStartObject();
                w.WriteString("label", o.Detection.Label);
                w.WriteNumber("score", Math.Round(o.Detection.Score, 4));
                w.WriteStartArray("box");
                foreach (var v in new[] { box.X, box.Y, box.Width, box.Height }) w.WriteNumberValue(Math.Round(v, 5));
                w.WriteEndArray();
                w.WriteNumber("track", o.TrackId);
                if (embeddings && o.Detection.Embedding is { } vector)
                {
                    w.WriteStartArray("embedding");
                    foreach (var v in vector) w.WriteNumberValue(Math.Round(v, 4));
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (analysis.Events.Count > 0)
            {
                w.WriteStartArray("events");
                foreach (var e in analysis.Events)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", e.Kind);
                    w.WriteNumber("track", e.TrackId);
                    w.WriteString("label", e.Label);
                    w.WriteNumber("first_seen", Math.Round(e.FirstSeen, 3));
                    w.WriteNumber("last_seen", Math.Round(e.LastSeen, 3));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (analysis.Scene is { Events.Count: > 0 } scene)
            {
                w.WriteStartArray("scene");
                foreach (var e in scene.Events)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", e.Kind);
                    w.WriteString("rule", e.Rule);
                    if (e.Track > 0) w.WriteNumber("track", e.Track);
                    if (e.Label.Length > 0) w.WriteString("label", e.Label);
                    w.WriteNumber("pts", Math.Round(e.Pts, 6));
                    if (e.Dwell is { } dwell) w.WriteNumber("dwell", dwell);
                    if (e.Direction is { } direction) w.WriteString("direction", direction);
                    if (e.Count is { } count) w.WriteNumber("count", count);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IEnumerable<string> Lines(FrameAnalysis analysis)
    {
        if (analysis.Carried) yield break; // its scene events are in the log
        foreach (var o in analysis.Objects)
        {
            var b = o.Detection.Box.Normalize(analysis.Width, analysis.Height);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{analysis.Pts,9:F2}s  {o.Detection.Label}#{o.TrackId} {o.Detection.Score:F2}  box [{b.X:F3} {b.Y:F3} {b.Width:F3} {b.Height:F3}]");
        }
        foreach (var e in analysis.Events)
            yield return e.Kind == "new"
                ? string.Create(CultureInfo.InvariantCulture, $"{analysis.Pts,9:F2}s  + {e.Label}#{e.TrackId} appeared")
                : string.Create(CultureInfo.InvariantCulture, $"{analysis.Pts,9:F2}s  - {e.Label}#{e.TrackId} gone (present {e.FirstSeen:F1}s–{e.LastSeen:F1}s)");
    }
}
