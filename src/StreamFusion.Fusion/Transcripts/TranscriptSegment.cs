namespace StreamFusion.Fusion.Transcripts;

/// <summary>Timed text on the media clock, from a subtitle stream, a sidecar file or a speech-to-text service.</summary>
public sealed record TranscriptSegment(double Start, double End, string Text, string Source, string? Speaker = null);

/// <summary>A transcript file could not be read; the message names the file and line.</summary>
public sealed class TranscriptFormatException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}
