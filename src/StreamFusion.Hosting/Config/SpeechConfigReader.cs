using StreamFusion.Core.Config;
using StreamFusion.Speech;

namespace StreamFusion.Hosting.Config;

/// <summary>Reads a `speech:` section over defaults (the top-level section, or a camera's over the top level).</summary>
public static class SpeechConfigReader
{
    /// <summary>Utterances decoded at once when `speech.threads` is not set: half the cores, at least one.</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount / 2);

    /// <param name="threads">the process-wide budget, read from the top-level section only (null for a camera's)</param>
    public static SpeechConfig Read(YamlSection? section, SpeechConfig defaults, Action<int>? threads = null)
    {
        if (section is null) return defaults;
        var thresholds = new Dictionary<string, double>(defaults.Thresholds, StringComparer.OrdinalIgnoreCase);
        foreach (var (keyword, threshold) in section.NumberMap("thresholds", 1e-100, 1e100, "a threshold")) thresholds[keyword] = threshold;
        var config = defaults with
        {
            // A speech section turns recognition on: with the bundled engine unless one is named.
            Engine = section.Choice("engine", defaults.Engine == SpeechEngineKind.None ? SpeechEngineKind.PocketSphinx : defaults.Engine,
                SpeechSettings.TryParseEngine, "none, pocketsphinx or whisper"),
            Mode = section.Choice("mode", defaults.Mode, SpeechConfig.TryParseMode, "keywords, transcribe or both"),
            DefaultThreshold = section.Number("threshold", defaults.DefaultThreshold, 1e-100, 1e100),
            Thresholds = thresholds,
        };
        if (section.Section("pocketsphinx") is { } sphinx)
        {
            config = config with
            {
                AcousticModel = sphinx.String("acoustic_model") ?? config.AcousticModel,
                Dictionary = sphinx.String("dictionary") ?? config.Dictionary,
                LanguageModel = sphinx.String("language_model") ?? config.LanguageModel,
            };
            sphinx.RejectUnknownKeys();
        }
        if (section.Section("whisper") is { } whisper)
        {
            config = config with
            {
                WhisperModel = whisper.String("model") ?? config.WhisperModel,
                Language = whisper.String("language") ?? config.Language,
                WhisperThreads = whisper.Int("threads", config.WhisperThreads, 1, 64),
            };
            whisper.RejectUnknownKeys();
        }
        if (threads is not null && section.Has("threads")) threads(section.Int("threads", DefaultThreads, 1, 256));
        section.RejectUnknownKeys();
        return config;
    }

    /// <summary>A camera's speech settings as they end up, against the watch-list (<see cref="SpeechConfig.Problems"/>).</summary>
    public static void CheckAgainst(YamlSection? section, SpeechConfig config, IReadOnlyList<string> keywords)
    {
        if (section is null) return;
        foreach (var (key, problem) in config.Problems(keywords)) section.Error(null, key, problem);
    }
}
