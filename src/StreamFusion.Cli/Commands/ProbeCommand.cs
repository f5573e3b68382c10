using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamFusion.Core.Config;
using StreamFusion.Media;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion probe`: streams, duration and (for files) the exact decoded frame count.</summary>
public static class ProbeCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var uri = new Argument<string>("uri") { Description = "file path, file://, rtsp://, http(s)://, udp:// URL or /dev/videoN" };
        var json = new Option<bool>("--json") { Description = "print JSON instead of text" };
        var count = new Option<bool>("--count-frames") { Description = "decode every video frame to count them exactly" };
        var timeout = new Option<string?>("--timeout") { Description = "network open/read timeout, e.g. 5s (default 10s)" };
        var command = new Command("probe", "List the streams of a file, URL or device") { uri, json, count, timeout };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            var options = new MediaSourceOptions();
            if (parse.GetValue(timeout) is { } text)
            {
                if (!DurationText.TryParse(text, out var limit)) throw new ArgumentException($"--timeout: expected a duration like 5s, got '{text}'");
                options = options with { OpenTimeout = limit, ReadTimeout = limit };
            }
            var target = await globals.Locator(parse).ResolveUriAsync(parse.GetValue(uri)!, cancellation);
            var result = await Task.Run(() => MediaProbe.Probe(target, options, parse.GetValue(count), cancellation), cancellation);
            Console.Out.WriteLine(parse.GetValue(json) ? ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : ToText(result));
            if (result.Truncation is { } cut) throw cut;
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static JsonObject ToJson(ProbeResult result)
    {
        var streams = new JsonArray();
        foreach (var s in result.Info.Streams)
        {
            var entry = new JsonObject { ["index"] = s.Index, ["type"] = s.Kind.ToString().ToLowerInvariant(), ["codec"] = s.Codec };
            if (s.Kind == StreamKind.Video)
            {
                entry["width"] = s.Width;
                entry["height"] = s.Height;
                entry["fps"] = Number(s.Fps);
                if (s.Selected && result.VideoFrames is { } frames) entry["frames"] = frames;
            }
            if (s.Kind == StreamKind.Audio)
            {
                entry["sample_rate"] = s.SampleRate;
                entry["channels"] = s.Channels;
            }
            if (s.Language.Length > 0) entry["language"] = s.Language;
            entry["start"] = Number(s.Start);
            entry["duration"] = Number(s.Duration);
            streams.Add(entry);
        }
        var json = new JsonObject { ["uri"] = result.Info.Uri, ["format"] = result.Info.Format, ["duration"] = Number(result.Info.Duration), ["streams"] = streams };
        json["corrupt_packets"] = result.Stats.CorruptPackets;
        json["truncated"] = result.Truncation is not null;
        return json;
    }

    private static string ToText(ProbeResult result)
    {
        var lines = new List<string> { Invariant($"{result.Info.Uri}  format={result.Info.Format}  duration={result.Info.Duration:F3}s") };
        foreach (var s in result.Info.Streams)
        {
            var detail = s.Kind switch
            {
                StreamKind.Video => Invariant($"{s.Width}x{s.Height} {s.Fps:F2} fps") + (s.Selected && result.VideoFrames is { } n ? $" {n} frames" : ""),
                StreamKind.Audio => $"{s.SampleRate} Hz {s.Channels} ch",
                _ => "",
            };
            var language = s.Language.Length > 0 ? $" [{s.Language}]" : "";
            lines.Add($"  #{s.Index} {s.Kind.ToString().ToLowerInvariant()} {s.Codec} {detail}{language}".TrimEnd());
        }
        if (result.Stats.CorruptPackets > 0) lines.Add($"  corrupt packets skipped: {result.Stats.CorruptPackets}");
        return string.Join('\n', lines);
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
