using StreamFusion.Speech;

namespace StreamFusion.Fusion.Transcripts;

/// <summary>
/// Timed text on the media clock: from a subtitle stream, a sidecar file, a speech-to-text service, or the
/// camera's own speech recognition (source "asr", with word times and the keyword hits it spotted).
/// </summary>
public sealed record TranscriptSegment(double Start, double End, string Text, string Source, string? Speaker = null)
{
    public const string SpeechSource = "asr";

    /// <summary>Recognised words with their times (speech recognition only): keywords in them are placed by time, not by segment.</summary>
    public IReadOnlyList<RecognizedWord> Words { get; init; } = [];

    /// <summary>Watch-list phrases the recogniser spotted, with their times.</summary>
    public IReadOnlyList<KeywordHit> Spotted { get; init; } = [];

    /// <summary>What the camera's speech recognition made of one utterance; spans its words (or its hits), not its padding.</summary>
    public static TranscriptSegment FromSpeech(Utterance utterance)
    {
        var times = utterance.Words.Count > 0
            ? utterance.Words.Select(w => (w.Start, w.End)).ToList()
            : utterance.Keywords.Select(k => (k.Start, k.End)).ToList();
        var (start, end) = times.Count > 0 ? (times.Min(t => t.Start), times.Max(t => t.End)) : (utterance.Start, utterance.End);
        return new TranscriptSegment(start, end, utterance.Text, SpeechSource) { Words = utterance.Words, Spotted = utterance.Keywords };
    }
}

/// <summary>A transcript file could not be read; the message names the file and line.</summary>
public sealed class TranscriptFormatException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}
