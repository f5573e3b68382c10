using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamFusion.Audio.Stage;
using StreamFusion.Inference;
using StreamFusion.Speech;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Speech.PocketSphinx;
using StreamFusion.Speech.Whisper;

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
        var engine = new Option<string>("--engine") { Description = "speech engine: pocketsphinx (Debian's, bundled) or whisper (with --model)", DefaultValueFactory = _ => "pocketsphinx" };
        engine.AcceptOnlyFromAmong("pocketsphinx", "whisper");
        var model = new Option<string?>("--model") { Description = "whisper: the ggml model file, e.g. ggml-base.en.bin" };
        var threads = new Option<int>("--threads") { Description = "whisper: threads per utterance", DefaultValueFactory = _ => 1 };
        var keywords = new Option<string?>("--keywords") { Description = "watch-list to spot, e.g. help,call the police (PHRASE or PHRASE=THRESHOLD)" };
        var mode = new Option<string?>("--mode") { Description = "pocketsphinx: keywords, transcribe or both (default: both with --keywords, else transcribe)" };
        mode.AcceptOnlyFromAmong("keywords", "transcribe", "both");
        var json = new Option<bool>("--json") { Description = "one JSON object per utterance" };
        var vadModel = new Option<string?>("--vad-model") { Description = "Silero VAD model that finds the utterances (default asset:models/silero_vad.onnx)" };
        var command = new Command("transcribe", "Speech in a recording: text with word times, and keyword hits") { media, engine, model, threads, keywords, mode, json, vadModel };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            var watchList = ParseKeywords(parse.GetValue(keywords));
            var kind = parse.GetValue(engine) == "whisper" ? SpeechEngineKind.Whisper : SpeechEngineKind.PocketSphinx;
            var chosen = parse.GetValue(mode) ?? (watchList.Count > 0 ? "both" : "transcribe");
            if (kind == SpeechEngineKind.Whisper && parse.GetValue(mode) is { } given && given != "transcribe")
                throw new ArgumentException($"--mode {given}: whisper always transcribes (its words are searched for the keywords)");
            if (kind == SpeechEngineKind.PocketSphinx && chosen != "transcribe" && watchList.Count == 0) throw new ArgumentException($"--mode {chosen}: --keywords is required");
            if (kind == SpeechEngineKind.PocketSphinx && parse.GetValue(model) is not null) throw new ArgumentException("--model is for --engine whisper");
            if (kind == SpeechEngineKind.Whisper && parse.GetValue(model) is null) throw new ArgumentException("--engine whisper needs --model FILE (a ggml model such as ggml-base.en.bin)");
            var assets = globals.Locator(parse);
            var path = await assets.ResolveUriAsync(parse.GetValue(media)!, cancellation);
            var vadPath = await assets.ResolveUriAsync(parse.GetValue(vadModel) ?? AudioCommands.DefaultVadModel, cancellation);
            var settings = new SpeechSettings
            {
                Engine = kind,
                PocketSphinx = new PocketSphinxSettings
                {
                    Keywords = chosen == "transcribe" ? new Dictionary<string, double>() : watchList,
                    Transcribe = chosen != "keywords",
                },
                Whisper = new WhisperSettings
                {
                    Model = parse.GetValue(model) is { } file ? await assets.ResolveUriAsync(file, cancellation) : null,
                    Threads = Math.Max(1, parse.GetValue(threads)),
                },
            };
            using var recogniser = settings.Create();
            using var analyzer = AudioAnalyzer.Load(new AudioSettings(vadPath, new OnnxSettings { Device = InferenceDevice.Cpu }) { CutUtterances = true }, globals.Logger);
            var found = new KeywordWatchList(watchList.Keys);
            var utterances = Recognise(recogniser, analyzer, path, cancellation)
                .Select(u => recogniser.Spots || found.IsEmpty ? u : u with { Keywords = found.FindIn(u.Words) }).ToList();
            foreach (var utterance in utterances)
                Console.Out.WriteLine(parse.GetValue(json) ? Json(utterance) : Line(utterance));
            globals.Logger.LogInformation("{Utterances} utterances, {Words} words, {Hits} keyword hits ({Engine})", utterances.Count,
                utterances.Sum(u => u.Words.Count), utterances.Sum(u => u.Keywords.Count), recogniser.Name);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Every utterance voice activity finds in the media's audio (on its media clock), recognised by the engine.</summary>
    internal static IEnumerable<Utterance> Recognise(ISpeechEngine engine, AudioAnalyzer analyzer, string path, CancellationToken cancellation = default) =>
        analyzer.AnalyseMedia(path, cancellation).SelectMany(w => w.Utterances).Select(clip => engine.Decode(clip.Samples, clip.Start));

    /// <summary>"help,call the police=1e-20": phrases, each with an optional threshold.</summary>
    internal static Dictionary<string, double> ParseKeywords(string? text)
    {
        var keywords = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            var threshold = PocketSphinxSettings.DefaultThreshold;
            if (parts.Length == 2 && (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || threshold is <= 0 or > 1e100))
                throw new ArgumentException($"--keywords: '{item}': the threshold must be a number above 0, e.g. help=1e+20");
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
