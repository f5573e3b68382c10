namespace StreamFusion.Media;

public static class MediaSource
{
    /// <summary>Opens a file path, file:// URL, network URL (rtsp, http(s), udp, ...) or V4L2 device.</summary>
    /// <param name="cancellation">interrupts a slow open (a live stream waiting for its first keyframe)</param>
    /// <exception cref="MediaException">with a one-line message naming the input</exception>
    public static IMediaSource Open(string uri, MediaSourceOptions? options = null, CancellationToken cancellation = default) =>
        FfmpegMediaSource.Open(MediaUri.Parse(uri), options ?? new MediaSourceOptions(), cancellation: cancellation);

    /// <summary>A whole audio track as one mono float array at <paramref name="sampleRate"/> (empty without audio).</summary>
    public static float[] ReadAllAudio(string uri, int sampleRate)
    {
        using var source = Open(uri, new MediaSourceOptions { Video = false, Subtitles = false, AudioSampleRate = sampleRate });
        var samples = new List<float>();
        while (source.ReadNext() is { } item)
            using (item)
                if (item is Items.AudioChunk chunk) samples.AddRange(chunk.Samples.Span);
        return samples.ToArray();
    }
}
