namespace StreamFusion.Media;

public static class MediaSource
{
    /// <summary>Opens a file path, file:// URL, network URL (rtsp, http(s), udp, ...) or V4L2 device.</summary>
    /// <param name="cancellation">interrupts a slow open (a live stream waiting for its first keyframe)</param>
    /// <exception cref="MediaException">with a one-line message naming the input</exception>
    public static IMediaSource Open(string uri, MediaSourceOptions? options = null, CancellationToken cancellation = default) =>
        FfmpegMediaSource.Open(MediaUri.Parse(uri), options ?? new MediaSourceOptions(), cancellation: cancellation);
}
