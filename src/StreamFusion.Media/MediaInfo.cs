namespace StreamFusion.Media;

public enum StreamKind { Other, Video, Audio, Subtitle }

/// <summary>One stream of the container. Times are seconds on the media clock; NaN when unknown.</summary>
public sealed record StreamInfo(
    int Index, StreamKind Kind, string Codec, string Language, bool Selected,
    int Width, int Height, double Fps, int SampleRate, int Channels, double Duration, double Start);

public sealed record MediaInfo(string Uri, string Format, double Duration, IReadOnlyList<StreamInfo> Streams)
{
    public StreamInfo? Video => Streams.FirstOrDefault(s => s.Kind == StreamKind.Video && s.Selected) ?? Streams.FirstOrDefault(s => s.Kind == StreamKind.Video);
    public StreamInfo? Audio => Streams.FirstOrDefault(s => s.Kind == StreamKind.Audio && s.Selected) ?? Streams.FirstOrDefault(s => s.Kind == StreamKind.Audio);

    /// <summary>"h264 768x432 12.5 fps, aac 48000 Hz 2 ch" for logs.</summary>
    public string Summary()
    {
        var parts = new List<string>();
        if (Video is { } v) parts.Add(FormattableString.Invariant($"{v.Codec} {v.Width}x{v.Height} {v.Fps:0.##} fps"));
        if (Audio is { } a) parts.Add($"{a.Codec} {a.SampleRate} Hz {a.Channels} ch");
        parts.AddRange(Streams.Where(s => s.Kind == StreamKind.Subtitle).Select(s => $"{s.Codec} subtitles"));
        return string.Join(", ", parts);
    }
}

/// <summary>Counters from the demux loop; corrupt packets are skipped, not fatal.</summary>
/// <param name="Truncated">the input ended well before the duration its header declares</param>
/// <param name="Reached">media seconds demuxed so far</param>
/// <param name="RingBytes">compressed packets held back for evidence clips (0 without clips)</param>
/// <param name="RingSeconds">how much media time those packets span</param>
public readonly record struct DecodeStats(
    long Packets, long CorruptPackets, long DecodeErrors, long VideoFrames, long AudioFrames, long SubtitleCues, bool Truncated, double Reached,
    long RingBytes = 0, double RingSeconds = 0);
