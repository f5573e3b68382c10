namespace StreamFusion.Speech;

/// <summary>
/// A speech recogniser that decodes one utterance at a time: 16 kHz mono samples that start at a media time.
/// An instance is not thread-safe; an utterance is an independent unit of work, so a pool of engines can share
/// every camera's speech.
/// </summary>
public interface ISpeechEngine : IDisposable
{
    /// <summary>The sample rate every engine takes.</summary>
    const int SampleRate = 16000;

    /// <summary>What this engine is ("pocketsphinx (keywords)"), for logs and progress lines.</summary>
    string Name { get; }

    /// <summary>Whether it spots the watch-list on its own, without transcribing (the cheap path kept when over budget).</summary>
    bool Spots { get; }

    /// <param name="samples">16 kHz mono, -1..1</param>
    /// <param name="start">the media time of the first sample</param>
    /// <param name="transcribe">false: spot keywords only, even if the engine was set up to transcribe</param>
    Utterance Decode(ReadOnlySpan<float> samples, double start, bool transcribe = true);
}

/// <summary>The speech engine or its model cannot be had: the message names the package or file to get.</summary>
public sealed class SpeechUnavailableException(string message) : Exception(message);
