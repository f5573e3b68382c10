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
            w.WriteString("wallclock", r.Wallclock.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartArray("objects");
            foreach (var o in r.Objects)
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
}
