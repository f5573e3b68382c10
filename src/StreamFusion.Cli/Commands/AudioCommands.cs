using Microsoft.Extensions.Logging;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamFusion.Audio.Stage;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Inference;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion features` (the MFCC matrix) and `streamfusion audio` (per-window summaries and events).</summary>
public static class AudioCommands
{
    public const string DefaultVadModel = "asset:models/silero_vad.onnx";

    public static Command Features(GlobalOptions globals)
    {
        var media = new Argument<string>("media") { Description = "file or URL with an audio track" };
        var mfcc = new Option<bool>("--mfcc") { Description = "MFCC frames (the only feature set so far; the default)" };
        var json = new Option<bool>("--json") { Description = "JSON ({\"params\",\"frames\":[{\"pts\",\"mfcc\"}]}) instead of CSV" };
        var csv = new Option<bool>("--csv") { Description = "CSV: pts,c0..c12 (the default)" };
        var deltas = new Option<bool>("--deltas") { Description = "append delta coefficients (window ±2)" };
        var output = new Option<string?>("--out") { Description = "write to this file instead of stdout" };
        var command = new Command("features", "Dump audio features (MFCC frames with PTS)") { media, mfcc, json, csv, deltas, output };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            if (parse.GetValue(json) && parse.GetValue(csv)) throw new ArgumentException("--json and --csv: choose one");
            var path = await globals.Locator(parse).ResolveUriAsync(parse.GetValue(media)!, cancellation);
            var settings = new AudioSettings(null, new OnnxSettings());
            var pts = new List<double>();
            var rows = new List<float>();
            using (var analyzer = new AudioAnalyzer(settings, vad: null) { OnMfccFrame = (t, c) => { pts.Add(t); rows.AddRange(c); } })
                analyzer.AnalyseMedia(path, cancellation);
            var width = settings.Mfcc.Cepstra;
            var values = rows.ToArray();
            var delta = parse.GetValue(deltas) ? StreamFusion.Audio.Features.MfccExtractor.Deltas(values, width) : null;
            await using var file = parse.GetValue(output) is { } name ? new StreamWriter(name) : null;
            var writer = file ?? Console.Out;
            if (parse.GetValue(json)) await writer.WriteLineAsync(MfccJson(settings, pts, values, delta, width));
            else
            {
                await writer.WriteLineAsync("pts," + string.Join(",", Enumerable.Range(0, width).Select(c => $"c{c}")) +
                                            (delta is null ? "" : "," + string.Join(",", Enumerable.Range(0, width).Select(c => $"d{c}"))));
                for (var f = 0; f < pts.Count; f++)
                {
                    var line = new StringBuilder(pts[f].ToString("F3", CultureInfo.InvariantCulture));
                    for (var c = 0; c < width; c++) line.Append(',').Append(values[f * width + c].ToString("G6", CultureInfo.InvariantCulture));
                    if (delta is not null) for (var c = 0; c < width; c++) line.Append(',').Append(delta[f * width + c].ToString("G6", CultureInfo.InvariantCulture));
                    await writer.WriteLineAsync(line.ToString());
                }
            }
            globals.Logger.LogInformation("{Frames} MFCC frames x {Width} coefficients ({Length} ms frames every {Shift} ms)", pts.Count, width, settings.Mfcc.FrameLengthMs, settings.Mfcc.FrameShiftMs);
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Audio(GlobalOptions globals)
    {
        var media = new Argument<string>("media") { Description = "file or URL with an audio track" };
        var json = new Option<bool>("--json") { Description = "one JSON object per window" };
        var window = new Option<double>("--window") { Description = "window length in seconds", DefaultValueFactory = _ => 1.0 };
        var vadModel = new Option<string?>("--vad-model") { Description = "Silero VAD model (default asset:models/silero_vad.onnx); 'none' for the energy fallback" };
        var sounds = new Option<bool>("--sounds") { Description = "tag sounds with the AudioSet model and print the sound events (gunshot, glass, scream, siren, …)" };
        var labels = new Option<bool>("--labels") { Description = "with --sounds: also print each tagged window's top AudioSet labels (for tuning thresholds)" };
        var command = new Command("audio", "Per-window loudness, speech, MFCC statistics, acoustic events and (--sounds) sound events") { media, json, window, vadModel, sounds, labels };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            if (parse.GetValue(window) is <= 0 or > 60) throw new ArgumentException("--window must be between 0 and 60 seconds");
            var assets = globals.Locator(parse);
            var path = await assets.ResolveUriAsync(parse.GetValue(media)!, cancellation);
            var vad = parse.GetValue(vadModel) ?? DefaultVadModel;
            var vadPath = vad == "none" ? null : await assets.ResolveUriAsync(vad, cancellation);
            if (parse.GetValue(labels) && !parse.GetValue(sounds)) throw new ArgumentException("--labels needs --sounds");
            var settings = new AudioSettings(vadPath, new OnnxSettings { Device = InferenceDevice.Cpu }, parse.GetValue(window))
            {
                Sounds = parse.GetValue(sounds) ? await new StreamFusion.Hosting.Config.SoundsConfig().ResolveAsync(assets, cancellation) : null,
            };
            using var analyzer = AudioAnalyzer.Load(settings, globals.Logger);
            var windows = analyzer.AnalyseMedia(path, cancellation);
            foreach (var w in windows)
                Console.Out.WriteLine(parse.GetValue(json) ? WindowJson(w) : WindowLine(w, parse.GetValue(labels)));
            globals.Logger.LogInformation("{Windows} windows, {Events} events, {Speech} speech segments (VAD: {Vad}){Sounds}", windows.Count, windows.Sum(w => w.Events.Count),
                windows.Sum(w => w.Speech.Count), analyzer.VadName, settings.Sounds is null ? "" : $", {windows.Sum(w => w.Sounds.Count(s => s.State == StreamFusion.Audio.Sounds.SoundEvent.Ended))} sound events ({analyzer.SoundWindows.Tagged} windows tagged, {analyzer.SoundWindows.Quiet} too quiet)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string MfccJson(AudioSettings settings, List<double> pts, float[] values, float[]? deltas, int width)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("params");
            JsonSerializer.Serialize(w, settings.Mfcc);
            w.WriteStartArray("frames");
            for (var f = 0; f < pts.Count; f++)
            {
                w.WriteStartObject();
                w.WriteNumber("pts", Math.Round(pts[f], 4));
                w.WriteStartArray("mfcc");
                for (var c = 0; c < width; c++) w.WriteNumberValue(values[f * width + c]);
                w.WriteEndArray();
                if (deltas is not null)
                {
                    w.WriteStartArray("deltas");
                    for (var c = 0; c < width; c++) w.WriteNumberValue(deltas[f * width + c]);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static string WindowJson(AudioWindow w) => JsonSerializer.Serialize(new
    {
        start = Math.Round(w.Start, 3),
        end = Math.Round(w.End, 3),
        rms_db = Math.Round(w.RmsDb, 1),
        peak_db = Math.Round(w.PeakDb, 1),
        speech = Math.Round(w.SpeechProbability, 3),
        speech_fraction = Math.Round(w.SpeechFraction, 3),
        mfcc_mean = w.MfccMean.Select(v => Math.Round(v, 3)),
        mfcc_std = w.MfccStd.Select(v => Math.Round(v, 3)),
        events = w.Events.Select(e => new { kind = e.Kind, start = Math.Round(e.Start, 3), end = Math.Round(e.End, 3), score = Math.Round(e.Score, 3), peak_db = Math.Round(e.PeakDb, 1) }),
        speech_segments = w.Speech.Select(s => new { start = Math.Round(s.Start, 3), end = Math.Round(s.End, 3) }),
        sounds = w.Sounds.Select(s => new { kind = s.Kind, state = s.State, start = s.Start, end = s.End, score = s.Score, labels = s.Labels.Select(l => new { label = l.Label, score = l.Score }) }),
        tags = w.Tags.Select(t => new { start = t.Start, end = t.End, top = t.Top.Select(l => new { label = l.Label, score = l.Score }) }),
    });

    private static string WindowLine(AudioWindow w, bool labels)
    {
        var events = w.Events.Count == 0 ? "" : "  events: " + string.Join(", ", w.Events.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Kind} {e.Start:F2}-{e.End:F2}s")));
        var speech = w.Speech.Count == 0 ? "" : "  speech: " + string.Join(", ", w.Speech.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Start:F2}-{s.End:F2}s")));
        var sounds = w.Sounds.Count == 0 ? "" : "  sounds: " + string.Join(", ", w.Sounds.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Kind} {s.State} ({s.Score:F2}) {s.Start:F0}-{s.End:F0}s [{string.Join("; ", s.Labels.Select(l => $"{l.Label} {l.Score:F2}"))}]")));
        var tags = !labels || w.Tags.Count == 0 ? "" : "  heard: " + string.Join(" | ", w.Tags.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t.Start:F0}-{t.End:F0}s {string.Join("; ", t.Top.Select(l => $"{l.Label} {l.Score:F2}"))}")));
        return string.Create(CultureInfo.InvariantCulture, $"{w.Start,7:F2}-{w.End,7:F2}s  {w.RmsDb,6:F1} dBFS  speech {w.SpeechProbability:F2}{speech}{events}{sounds}{tags}");
    }
}
