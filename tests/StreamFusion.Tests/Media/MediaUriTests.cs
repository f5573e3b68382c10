using StreamFusion.Media;

namespace StreamFusion.Tests.Media;

public class MediaUriTests
{
    [Theory]
    [InlineData("rtsp://cam.local/stream", "rtsp://cam.local/stream", null, true)]
    [InlineData("udp://239.0.0.1:1234", "udp://239.0.0.1:1234", null, true)]
    [InlineData("/dev/video0", "/dev/video0", "v4l2", false)]
    [InlineData("v4l2:///dev/video2", "/dev/video2", "v4l2", false)]
    [InlineData("file:///srv/clips/a%20b.mp4", "/srv/clips/a b.mp4", null, false)]
    public void Parses_what_ffmpeg_should_open(string text, string url, string? format, bool network)
    {
        var uri = MediaUri.Parse(text);
        Assert.Equal((url, format, network), (uri.Url, uri.Format, uri.IsNetwork));
    }

    [Theory]
    [InlineData("rtsp://admin:s3cret@10.0.0.5:554/h264", "rtsp://admin:***@10.0.0.5:554/h264")]
    [InlineData("https://cams.example/live.m3u8?token=abc&x=1", "https://cams.example/live.m3u8?token=***&x=1")]
    [InlineData("rtsp://10.0.0.5/stream", "rtsp://10.0.0.5/stream")]
    public void Redacts_credentials(string text, string redacted) => Assert.Equal(redacted, MediaUri.RedactCredentials(text));
}
