namespace StreamFusion.Speech.Whisper;

/// <summary>Whisper (whisper.cpp through Whisper.net) with a ggml model the user downloads, e.g. ggml-base.en.bin.</summary>
public sealed record WhisperSettings
{
    public string? Model { get; init; }
    public string Language { get; init; } = "en";
    /// <summary>Threads one utterance is decoded with.</summary>
    public int Threads { get; init; } = 1;
}
