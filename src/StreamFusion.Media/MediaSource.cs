namespace StreamFusion.Media;

public static class MediaSource
{
    /// <summary>Opens a file path, file:// URL, network URL (rtsp, http(s), udp, ...) or V4L2 device.</summary>
    /// <exception cref="MediaException">with a one-line message naming the input</exception>
    public static IMediaSource Open(string uri, MediaSourceOptions? options = null) =>
        FfmpegMediaSource.Open(MediaUri.Parse(uri), options ?? new MediaSourceOptions());
}
