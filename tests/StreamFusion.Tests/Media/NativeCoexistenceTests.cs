using OpenCvSharp;
using StreamFusion.Media;

namespace StreamFusion.Tests.Media;

/// <summary>
/// OpenCvSharp's native library carries its own FFmpeg (7.x) with exported av_* symbols, while the shim binds
/// the system FFmpeg. Both must work in one process, whichever loads first.
/// </summary>
public class NativeCoexistenceTests
{
    [Fact]
    public void OpenCv_video_capture_and_the_shim_decode_the_same_file_in_one_process()
    {
        var path = TestAssets.Media("vtest_480x360.avi");

        using (var shimFirst = MediaSource.Open(path, new MediaSourceOptions { Audio = false }))
        using (var frame = DecodeTests.NextVideo(shimFirst))
            Assert.Equal((480, 360), (frame.Width, frame.Height));

        using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        Assert.True(capture.IsOpened(), "OpenCV could not open the file with its FFmpeg backend");
        using var mat = new Mat();
        Assert.True(capture.Read(mat));
        Assert.Equal((480, 360), (mat.Width, mat.Height));

        using var shimAfter = MediaSource.Open(path, new MediaSourceOptions { Audio = false });
        using var again = DecodeTests.NextVideo(shimAfter);
        Assert.StartsWith($"libavformat {SystemFfmpegMajorVersion()}.", MediaLibrary.Versions());
        Assert.Equal(480 * 360 * 3, again.Pixels.Length);
        var meanDifference = MeanAbsoluteDifference(mat, again.Pixels.Span);
        Assert.True(meanDifference < 2.0, $"OpenCV's and the shim's first frame differ by {meanDifference} on average");
    }

    private static string SystemFfmpegMajorVersion() =>
        Processes.Run("pkg-config", ["--modversion", "libavformat"]).Stdout.Trim().Split('.')[0];

    private static double MeanAbsoluteDifference(Mat mat, ReadOnlySpan<byte> pixels)
    {
        Assert.True(mat.IsContinuous());
        mat.GetArray(out OpenCvSharp.Vec3b[] values);
        double sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += Math.Abs(values[i].Item0 - pixels[i * 3]) + Math.Abs(values[i].Item1 - pixels[i * 3 + 1]) + Math.Abs(values[i].Item2 - pixels[i * 3 + 2]);
        }
        return sum / pixels.Length;
    }
}
