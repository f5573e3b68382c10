using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamFusion.Audio.Stage;
using StreamFusion.Inference;
using StreamFusion.Media;
using StreamFusion.Speech;
using StreamFusion.Speech.PocketSphinx;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion transcribe`: the speech in a recording, utterance by utterance (found by voice activity), as
/// text with word times and confidences, and the watch-list's keyword hits with their times and scores.
/// </summary>
public static class TranscribeCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var media = new Argument<string>("media") { Description = "file or URL with an audio track" };
        var engine = new Option<string>("--engine") { Description = "speech engine", DefaultValueFactory = _ => "pocketsphinx" };
        engine.AcceptOnlyFromAmong("pocketsphinx");
        var keywords = new Option<string?>("--keywords") { Description = "watch-list to spot, e.g. help,call the police (PHRASE or PHRASE=THRESHOLD)" };
        var mode = new Option<string?>("--mode") { Description = "keywords, transcribe or both (default: both with --keywords, else transcribe)" };
        mode.AcceptOnlyFromAmong("keywords", "transcribe", "both");
        var json = new Option<bool>("--json") { Description = "one JSON object per utterance" };
        var vadModel = new Option<string?>("--vad-model") { Description = "Silero VAD model that finds the utterances (default asset:models/silero_vad.onnx)" };
        var command = new Command("transcribe", "Speech in a recording: text with word times, and keyword hits") { media, engine, keywords, mode, json, vadModel };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            var watchList = ParseKeywords(parse.GetValue(keywords));
            var chosen = parse.GetValue(mode) ?? (watchList.Count > 0 ? "both" : "transcribe");
            if (chosen != "transcribe" && watchList.Count == 0) throw new ArgumentException($"--mode {chosen}: --keywords is required");
            var assets = globals.Locator(parse);
            var path = await assets.ResolveUriAsync(parse.GetValue(media)!, cancellation);
            var vadPath = await assets.ResolveUriAsync(parse.GetValue(vadModel) ?? AudioCommands.DefaultVadModel, cancellation);
            using var recogniser = new PocketSphinxEngine(new PocketSphinxSettings
            {
                Keywords = chosen == "transcribe" ? new Dictionary<string, double>() : watchList,
                Transcribe = chosen != "keywords",
            });
            using var analyzer = AudioAnalyzer.Load(new AudioSettings(vadPath, new OnnxSettings { Device = InferenceDevice.Cpu }), globals.Logger);
            var samples = MediaSource.ReadAllAudio(path, UtteranceDecoder.SampleRate);
            var utterances = UtteranceDecoder.DecodeAll(recogniser, samples, SpeechIn(analyzer, samples));
            foreach (var utterance in utterances)
                Console.Out.WriteLine(parse.GetValue(json) ? Json(utterance) : Line(utterance));
            globals.Logger.LogInformation("{Utterances} utterances, {Words} words, {Hits} keyword hits ({Engine})", utterances.Count,
                utterances.Sum(u => u.Words.Count), utterances.Sum(u => u.Keywords.Count), recogniser.Name);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Where voice activity hears speech in the samples (sample 0 is time 0, as for the recogniser).</summary>
    internal static List<(double Start, double End)> SpeechIn(AudioAnalyzer analyzer, float[] samples) =>
        [.. analyzer.Push(samples, 0).Concat(analyzer.Finish()).SelectMany(w => w.Speech).Select(s => (s.Start, s.End))];

    /// <summary>"help,call the police=1e-20": phrases, each with an optional threshold.</summary>
    internal static Dictionary<string, double> ParseKeywords(string? text)
    {
        var keywords = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            var threshold = PocketSphinxSettings.DefaultThreshold;
            if (parts.Length == 2 && (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || threshold is <= 0 or > 1))
                throw new ArgumentException($"--keywords: '{item}': the threshold must be a number above 0 and at most 1, e.g. help=1e-20");
            keywords[parts[0]] = threshold;
        }
        return keywords;
    }

    private static string Line(Utterance u)
    {
        var hits = u.Keywords.Select(k => string.Create(CultureInfo.InvariantCulture, $"'{k.Keyword}' {k.Start:F2}–{k.End:F2}s ({k.Score:F2})"));
        return string.Create(CultureInfo.InvariantCulture, $"{u.Start,7:F2}–{u.End,7:F2}s  {(u.Text.Length > 0 ? u.Text : "-")}") +
               (u.Keywords.Count > 0 ? "  | keywords: " + string.Join(", ", hits) : "");
    }

    private static string Json(Utterance u) => JsonSerializer.Serialize(new
    {
        start = Math.Round(u.Start, 3),
        end = Math.Round(u.End, 3),
        text = u.Text,
        words = u.Words.Select(w => new { word = w.Word, start = Math.Round(w.Start, 3), end = Math.Round(w.End, 3), confidence = Math.Round(w.Confidence, 3) }),
        keywords = u.Keywords.Select(k => new { keyword = k.Keyword, start = Math.Round(k.Start, 3), end = Math.Round(k.End, 3), score = Math.Round(k.Score, 3) }),
    });
}
