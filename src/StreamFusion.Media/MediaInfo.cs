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
}

/// <summary>Counters from the demux loop; corrupt packets are skipped, not fatal.</summary>
/// <param name="Truncated">the input ended well before the duration its header declares</param>
/// <param name="Reached">media seconds demuxed so far</param>
public readonly record struct DecodeStats(
    long Packets, long CorruptPackets, long DecodeErrors, long VideoFrames, long AudioFrames, long SubtitleCues, bool Truncated, double Reached);
