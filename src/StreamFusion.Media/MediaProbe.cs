using StreamFusion.Media.Items;

namespace StreamFusion.Media;

/// <param name="Truncation">set when the file is cut short; the counts cover what came before the cut</param>
public sealed record ProbeResult(MediaInfo Info, long? VideoFrames, DecodeStats Stats, MediaTruncatedException? Truncation);

public static class MediaProbe
{
    /// <summary>Streams and duration; with <paramref name="countFrames"/>, decodes every video frame (no pixel conversion) to count them exactly.</summary>
    public static ProbeResult Probe(string uri, MediaSourceOptions options, bool countFrames, CancellationToken cancellation = default)
    {
        var mediaUri = MediaUri.Parse(uri);
        using var source = FfmpegMediaSource.Open(mediaUri, options with { Audio = false, Subtitles = false }, convertVideo: false, cancellation);
        if (!countFrames)
        {
            var truncated = source.Stats.Truncated ? new MediaTruncatedException($"{mediaUri.Redacted}: file truncated or cut (shorter than its header declares)") : null;
            return new ProbeResult(source.Info, null, source.Stats, truncated);
        }
        using var stop = cancellation.Register(source.Interrupt);
        long frames = 0;
        try
        {
            while (source.SkipNext(out var kind))
                if (kind == MediaKind.Video) frames++;
        }
        catch (MediaTruncatedException cut)
        {
            return new ProbeResult(source.Info, frames, source.Stats, cut);
        }
        return new ProbeResult(source.Info, frames, source.Stats, null);
    }
}
