using StreamFusion.Core.Assets;
using StreamFusion.Speech;
using StreamFusion.Speech.PocketSphinx;
using StreamFusion.Speech.Whisper;

namespace StreamFusion.Hosting.Config;

public enum SpeechMode { Keywords, Transcribe, Both }

/// <summary>
/// A camera's `speech:` settings as written: which engine recognises its speech, whether it spots the watch-list
/// (fusion's keywords), transcribes, or both, and with which models ("asset:" names or paths).
/// </summary>
public sealed record SpeechConfig
{
    public SpeechEngineKind Engine { get; init; }
    /// <summary>null: keywords when fusion has a watch-list (pocketsphinx), else transcribe.</summary>
    public SpeechMode? Mode { get; init; }
    public double DefaultThreshold { get; init; } = PocketSphinxSettings.DefaultThreshold;
    /// <summary>Per watch-list entry: its spotting threshold (smaller finds more, and more falsely).</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();
    public string AcousticModel { get; init; } = new PocketSphinxSettings().AcousticModel;
    public string Dictionary { get; init; } = new PocketSphinxSettings().Dictionary;
    public string LanguageModel { get; init; } = new PocketSphinxSettings().LanguageModel;
    public string? WhisperModel { get; init; }
    public string Language { get; init; } = "en";
    public int WhisperThreads { get; init; } = 1;

    public bool Enabled => Engine != SpeechEngineKind.None;

    public SpeechMode ModeFor(IReadOnlyList<string> keywords) =>
        Mode ?? (Engine == SpeechEngineKind.PocketSphinx && keywords.Count > 0 ? SpeechMode.Keywords : SpeechMode.Transcribe);

    /// <summary>Whether utterances are transcribed, not only spotted.</summary>
    public bool Transcribes(IReadOnlyList<string> keywords) => ModeFor(keywords) != SpeechMode.Keywords;

    public async Task<SpeechSettings> ResolveAsync(AssetLocator assets, IReadOnlyList<string> keywords, CancellationToken cancellation)
    {
        var mode = ModeFor(keywords);
        return new SpeechSettings
        {
            Engine = Engine,
            PocketSphinx = new PocketSphinxSettings
            {
                AcousticModel = await assets.ResolveUriAsync(AcousticModel, cancellation),
                Dictionary = await assets.ResolveUriAsync(Dictionary, cancellation),
                LanguageModel = await assets.ResolveUriAsync(LanguageModel, cancellation),
                Keywords = mode == SpeechMode.Transcribe ? new Dictionary<string, double>()
                    : keywords.Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(k => k, k => Thresholds.GetValueOrDefault(k, DefaultThreshold), StringComparer.OrdinalIgnoreCase),
                Transcribe = mode != SpeechMode.Keywords,
            },
            Whisper = new WhisperSettings
            {
                Model = WhisperModel is { } model ? await assets.ResolveUriAsync(model, cancellation) : null,
                Language = Language,
                Threads = WhisperThreads,
            },
        };
    }

    /// <summary>
    /// What cannot work with these settings and this watch-list, as (key under `speech:`, problem): config errors
    /// and the CLI's speech options report the same.
    /// </summary>
    public IEnumerable<(string Key, string Problem)> Problems(IReadOnlyList<string> keywords)
    {
        if (!Enabled) yield break;
        if (Engine == SpeechEngineKind.Whisper && Mode == SpeechMode.Keywords)
            yield return ("mode", "whisper always transcribes (its words are searched for the keywords): use transcribe or both");
        if (Engine == SpeechEngineKind.Whisper && WhisperModel is null)
            yield return ("whisper.model", "required with engine: whisper (a ggml model such as ggml-base.en.bin)");
        if (Engine == SpeechEngineKind.PocketSphinx && ModeFor(keywords) != SpeechMode.Transcribe && keywords.Count == 0)
            yield return ("mode", "keyword spotting needs a watch-list: set fusion.keywords (or mode: transcribe)");
        foreach (var keyword in Thresholds.Keys)
            if (!keywords.Contains(keyword, StringComparer.OrdinalIgnoreCase))
                yield return ($"thresholds.{keyword}", $"'{keyword}' is not in fusion.keywords");
    }

    public static bool TryParseMode(string text, out SpeechMode? mode)
    {
        mode = text.Trim().ToLowerInvariant() switch
        {
            "keywords" => SpeechMode.Keywords,
            "transcribe" => SpeechMode.Transcribe,
            "both" => SpeechMode.Both,
            _ => null,
        };
        return mode is not null;
    }
}
