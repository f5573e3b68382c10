using StreamFusion.Speech.PocketSphinx;
using StreamFusion.Speech.Whisper;

namespace StreamFusion.Speech;

public enum SpeechEngineKind { None, PocketSphinx, Whisper }

/// <summary>Which engine a camera's speech goes to, and how it is set up (the watch-list is fusion's keywords).</summary>
public sealed record SpeechSettings
{
    public SpeechEngineKind Engine { get; init; }
    public PocketSphinxSettings PocketSphinx { get; init; } = new();
    public WhisperSettings Whisper { get; init; } = new();

    public bool Enabled => Engine != SpeechEngineKind.None;

    /// <summary>Cameras whose speech settings have the same key share a pool of engines.</summary>
    public string Key => Engine switch
    {
        SpeechEngineKind.PocketSphinx => $"pocketsphinx|{PocketSphinx.AcousticModel}|{PocketSphinx.Dictionary}|{PocketSphinx.LanguageModel}|{PocketSphinx.Transcribe}|" +
                                         string.Join(",", PocketSphinx.Keywords.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value:R}")),
        SpeechEngineKind.Whisper => $"whisper|{Whisper.Model}|{Whisper.Language}|{Whisper.Threads}",
        _ => "none",
    };

    public ISpeechEngine Create() => Engine switch
    {
        SpeechEngineKind.PocketSphinx => new PocketSphinxEngine(PocketSphinx),
        SpeechEngineKind.Whisper => new WhisperEngine(Whisper),
        _ => throw new InvalidOperationException("speech: no engine configured"),
    };

    public static bool TryParseEngine(string text, out SpeechEngineKind engine)
    {
        engine = text.Trim().ToLowerInvariant() switch
        {
            "none" or "off" => SpeechEngineKind.None,
            "pocketsphinx" => SpeechEngineKind.PocketSphinx,
            "whisper" => SpeechEngineKind.Whisper,
            _ => (SpeechEngineKind)(-1),
        };
        return Enum.IsDefined(engine);
    }
}
