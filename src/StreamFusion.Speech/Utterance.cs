namespace StreamFusion.Speech;

/// <summary>A recognised word: its times on the media clock and the recogniser's posterior confidence (0..1).</summary>
public sealed record RecognizedWord(string Word, double Start, double End, double Confidence);

/// <summary>A watch-list phrase spotted in speech: its times on the media clock and its detection score (0..1).</summary>
public sealed record KeywordHit(string Keyword, double Start, double End, double Score);

/// <summary>What one utterance (a stretch of speech between pauses) was recognised as.</summary>
/// <param name="Text">the transcription; empty in keyword-only mode</param>
public sealed record Utterance(double Start, double End, string Text, IReadOnlyList<RecognizedWord> Words, IReadOnlyList<KeywordHit> Keywords);
