using System.Text.Json;

namespace StreamFusion.Fusion.Windows;

/// <summary>Serialises records as the JSON documented by schemas/streamfusion.detection.v1.schema.json (one line each).</summary>
public static class RecordJson
{
    // Valid JSON without escaping quotes, apostrophes or non-ASCII letters, so transcripts stay readable.
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(FusedRecord r)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("schema", FusedRecord.Schema);
            w.WriteString("id", r.Id);
            w.WriteString("camera", r.Camera);
            w.WriteNumber("revision", r.Revision);
            w.WriteStartObject("window");
            w.WriteNumber("start", r.Start);
            w.WriteNumber("end", r.End);
            w.WriteEndObject();
            w.WriteString("wallclock", StreamFusion.Core.UtcText.Format(r.Wallclock));
            WriteObjects(w, r.Objects);
            if (r.Audio is { } a)
            {
                w.WriteStartObject("audio");
                w.WriteNumber("rms_db", a.RmsDb);
                w.WriteNumber("speech", a.Speech);
                w.WriteStartArray("events");
                foreach (var e in a.Events)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", e.Kind);
                    w.WriteNumber("start", e.Start);
                    w.WriteNumber("end", e.End);
                    w.WriteNumber("score", e.Score);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("mfcc_mean");
                foreach (var v in a.MfccMean) w.WriteNumberValue(v);
                w.WriteEndArray();
                if (a.Sounds is { } sounds)
                {
                    w.WriteStartArray("sounds");
                    foreach (var sound in sounds)
                    {
                        w.WriteStartObject();
                        w.WriteString("kind", sound.Kind);
                        w.WriteString("state", sound.State);
                        w.WriteNumber("start", sound.Start);
                        w.WriteNumber("end", sound.End);
                        w.WriteNumber("score", sound.Score);
                        w.WriteStartArray("labels");
                        foreach (var label in sound.Labels)
                        {
                            w.WriteStartObject();
                            w.WriteString("label", label.Label);
                            w.WriteNumber("score", label.Score);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                if (a.Embedding is { } embedding)
                {
                    w.WriteStartArray("embedding");
                    foreach (var v in embedding) w.WriteNumberValue(Math.Round(v, 4));
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            else w.WriteNull("audio");
            w.WriteStartObject("transcript");
            w.WriteString("text", r.Transcript.Text);
            w.WriteStartArray("keywords");
            foreach (var k in r.Transcript.Keywords) w.WriteStringValue(k);
            w.WriteEndArray();
            if (r.Transcript.Source is { } source) w.WriteString("source", source);
            else w.WriteNull("source");
            w.WriteStartArray("hits");
            foreach (var hit in r.Transcript.Hits)
            {
                w.WriteStartObject();
                w.WriteString("keyword", hit.Keyword);
                w.WriteNumber("start", hit.Start);
                w.WriteNumber("end", hit.End);
                w.WriteNumber("score", hit.Score);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("fused");
            w.WriteNumber("score", r.Score);
            w.WriteString("severity", r.Severity);
            w.WriteStartArray("reasons");
            foreach (var reason in r.Reasons) w.WriteStringValue(reason);
            w.WriteEndArray();
            w.WriteEndObject();
            if (r.Zones is { } zones)
            {
                w.WriteStartArray("zones");
                foreach (var zone in zones)
                {
                    w.WriteStartObject();
                    w.WriteString("name", zone.Name);
                    w.WriteStartObject("objects");
                    foreach (var (label, count) in zone.Objects) w.WriteNumber(label, count);
                    w.WriteEndObject();
                    w.WriteNumber("dwell", zone.Dwell);
                    Numbers(w, "loitering", zone.Loitering);
                    Numbers(w, "stationary", zone.Stationary);
                    w.WriteBoolean("crowded", zone.Crowded);
                    Events(w, zone.Events);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (r.Lines is { } lines)
            {
                w.WriteStartArray("lines");
                foreach (var line in lines)
                {
                    w.WriteStartObject();
                    w.WriteString("name", line.Name);
                    w.WriteNumber("in", line.In);
                    w.WriteNumber("out", line.Out);
                    w.WriteNumber("total_in", line.TotalIn);
                    w.WriteNumber("total_out", line.TotalOut);
                    Events(w, line.Events);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (r.Snapshot is { } snapshot)
            {
                w.WriteStartObject("snapshot");
                w.WriteString("kind", snapshot.Kind);
                w.WriteString("path", snapshot.Path);
                w.WriteNumber("pts", snapshot.Pts);
                w.WriteNumber("width", snapshot.Width);
                w.WriteNumber("height", snapshot.Height);
                WriteObjects(w, snapshot.Objects);
                if (snapshot.Topic is { } topic) w.WriteString("topic", topic);
                w.WriteEndObject();
            }
            if (r.Clip is { } clip)
            {
                w.WriteStartObject("clip");
                w.WriteString("path", clip.Path);
                w.WriteEndObject();
            }
            if (r.Incident is { } i)
            {
                w.WriteStartObject("incident");
                w.WriteString("id", i.Id);
                w.WriteString("state", i.State);
                w.WriteNumber("start", i.Start);
                w.WriteStartArray("reasons");
                foreach (var reason in i.Reasons) w.WriteStringValue(reason);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else w.WriteNull("incident");
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>"objects": label, score, box [x, y, w, h] normalised, track.</summary>
    private static void WriteObjects(Utf8JsonWriter w, IReadOnlyList<FusedObject> objects)
    {
        w.WriteStartArray("objects");
        foreach (var o in objects)
        {
            w.WriteStartObject();
            w.WriteString("label", o.Label);
            w.WriteNumber("score", o.Score);
            w.WriteStartArray("box");
            foreach (var v in o.Box) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteNumber("track", o.Track);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void Events(Utf8JsonWriter w, IReadOnlyList<FusedSceneEvent> events)
    {
        w.WriteStartArray("events");
        foreach (var e in events)
        {
            w.WriteStartObject();
            w.WriteString("kind", e.Kind);
            if (e.Track > 0) w.WriteNumber("track", e.Track);
            if (e.Label.Length > 0) w.WriteString("label", e.Label);
            w.WriteNumber("pts", e.Pts);
            if (e.Dwell is { } dwell) w.WriteNumber("dwell", dwell);
            if (e.Direction is { } direction) w.WriteString("direction", direction);
            if (e.Count is { } count) w.WriteNumber("count", count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
