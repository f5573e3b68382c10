using System.Globalization;
using System.Security.Cryptography;
using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Tests.Media;

public class DecodeTests
{
    public static TheoryData<string> MediaFiles() => new(TestAssets.AllMedia().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(MediaFiles))]
    public void Frame_count_equals_ffprobe_count_frames(string file)
    {
        var path = TestAssets.Media(file);
        var ffprobe = Processes.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]);
        Assert.Equal(0, ffprobe.ExitCode);
        var expected = ffprobe.Stdout.Trim().Length == 0 ? 0 : long.Parse(ffprobe.Stdout.Trim().TrimEnd(','), CultureInfo.InvariantCulture);

        var probe = MediaProbe.Probe(path, new MediaSourceOptions(), countFrames: true);

        Assert.Equal(expected, probe.VideoFrames);
    }

    [Fact]
    public void Vtest_probe_reports_795_frames_480x360_and_the_audio_stream()
    {
        var probe = MediaProbe.Probe(TestAssets.Media("vtest_480x360.avi"), new MediaSourceOptions(), countFrames: true);

        Assert.Equal(795, probe.VideoFrames);
        Assert.Equal((480, 360), (probe.Info.Video!.Width, probe.Info.Video.Height));
        Assert.Equal(10, probe.Info.Video.Fps, 3);
        Assert.Equal("aac", probe.Info.Audio!.Codec);
        Assert.Equal((44100, 2), (probe.Info.Audio.SampleRate, probe.Info.Audio.Channels));
    }

    [Fact]
    public void Decoding_twice_gives_identical_frames_and_pts()
    {
        var first = FrameDigests(TestAssets.Media("car-detection.mp4"));
        var second = FrameDigests(TestAssets.Media("car-detection.mp4"));

        Assert.Equal(377, first.Count);
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("vtest_480x360.avi", 40)]
    [InlineData("grid_swwp2s.mpg", 75)]
    public void Bgr_pixels_equal_ffmpeg_rawvideo_output(string file, int frames)
    {
        var path = TestAssets.Media(file);
        // passthrough: one output frame per decoded frame (ffmpeg's default would pad to a constant frame rate)
        var reference = Processes.RunBinary("ffmpeg", "-v", "error", "-i", path, "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-an", "-sn",
            "-fps_mode", "passthrough", "-pix_fmt", "bgr24", "-f", "rawvideo", "-");

        using var source = MediaSource.Open(path, new MediaSourceOptions { Audio = false });
        var offset = 0;
        for (var i = 0; i < frames; i++)
        {
            using var frame = NextVideo(source);
            var expected = reference.AsSpan(offset, frame.Pixels.Length);
            Assert.True(expected.SequenceEqual(frame.Pixels.Span), $"frame {i} differs from ffmpeg's bgr24 output");
            offset += frame.Pixels.Length;
        }
        Assert.Equal(reference.Length, offset);
    }

    [Theory]
    [InlineData("vtest_480x360.avi")]
    [InlineData("car-detection.mp4")]
    [InlineData("grid_swwp2s.mpg")]
    public void Video_pts_equal_ffprobe_best_effort_timestamps(string file)
    {
        var path = TestAssets.Media(file);
        var start = FfprobeNumbers(path, "format=start_time").Single();
        var frameDuration = 1 / MediaProbe.Probe(path, new MediaSourceOptions(), countFrames: false).Info.Video!.Fps;
        var expected = new List<double>();
        // Frames flushed at the end may carry no timestamp (N/A); the decoder continues the clock by one frame.
        foreach (var t in FfprobeNumbers(path, "frame=best_effort_timestamp_time"))
            expected.Add(double.IsNaN(t) ? expected[^1] + frameDuration : t - start);

        using var source = MediaSource.Open(path, new MediaSourceOptions { Audio = false });
        var pts = new List<double>();
        while (source.ReadNext() is { } item)
            using (item) pts.Add(item.Pts);

        Assert.Equal(expected.Count, pts.Count);
        Assert.All(expected.Zip(pts), pair => Assert.Equal(pair.First, pair.Second, 5));
    }

    [Fact]
    public void Audio_is_mono_float_at_the_requested_rate_and_matches_ffmpeg()
    {
        var path = TestAssets.Media("car-detection.mp4");
        var raw = Processes.RunBinary("ffmpeg", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "-");
        var reference = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, reference, 0, raw.Length);

        using var source = MediaSource.Open(path, new MediaSourceOptions { Video = false, AudioSampleRate = 16000 });
        var samples = new List<float>();
        double nextPts = 0;
        while (source.ReadNext() is { } item)
        {
            using var chunk = Assert.IsType<AudioChunk>(item);
            Assert.Equal(16000, chunk.SampleRate);
            Assert.InRange(chunk.Pts - nextPts, -0.002, 0.002);
            nextPts = chunk.Pts + chunk.Duration;
            samples.AddRange(chunk.Samples.ToArray());
        }

        Assert.InRange(samples.Count, reference.Length - 16, reference.Length + 16);
        var compared = Math.Min(samples.Count, reference.Length);
        var maxDiff = Enumerable.Range(0, compared).Max(i => Math.Abs(samples[i] - reference[i]));
        Assert.True(maxDiff < 1e-4, $"max sample difference {maxDiff}");
    }

    [Fact]
    public void Frames_are_scaled_to_a_requested_size_keeping_aspect_when_one_side_is_zero()
    {
        using var source = MediaSource.Open(TestAssets.Media("car-detection.mp4"), new MediaSourceOptions { VideoWidth = 384, Audio = false });
        using var frame = NextVideo(source);

        Assert.Equal((384, 216), (frame.Width, frame.Height));
        Assert.Equal(384 * 216 * 3, frame.Pixels.Length);
    }

    [Fact]
    public void Pixel_buffers_are_pooled_not_allocated_per_frame()
    {
        using var source = MediaSource.Open(TestAssets.Media("vtest_480x360.avi"), new MediaSourceOptions { Audio = false });
        var buffers = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        var frames = 0;
        while (source.ReadNext() is { } item)
        {
            using var frame = (VideoFrame)item;
            buffers.Add(frame.Buffer);
            frames++;
        }

        Assert.Equal(795, frames);
        Assert.Single(buffers);
    }

    [Fact]
    public async Task Concurrent_decoders_of_odd_widths_leave_the_managed_heap_intact()
    {
        // swscale writes past the last row at widths like 360; before frame buffers carried slack this
        // corrupted the heap and crashed the process at the next garbage collection.
        static int DecodeWithCollections(string file)
        {
            using var source = MediaSource.Open(TestAssets.Media(file));
            var items = 0;
            while (source.ReadNext() is { } item)
            {
                item.Dispose();
                if (++items % 50 == 0) GC.Collect();
            }
            return items;
        }

        var counts = await Task.WhenAll(
            Task.Factory.StartNew(() => DecodeWithCollections("grid_swwp2s.mpg"), TaskCreationOptions.LongRunning),
            Task.Factory.StartNew(() => DecodeWithCollections("vtest_480x360.avi"), TaskCreationOptions.LongRunning));

        Assert.All(counts, count => Assert.True(count > 100));
    }

    [Fact]
    public void Media_without_video_gives_only_audio()
    {
        using var source = MediaSource.Open(TestAssets.Media("jfk.wav"));
        var kinds = new HashSet<MediaKind>();
        double seconds = 0;
        while (source.ReadNext() is { } item)
        {
            kinds.Add(item.Kind);
            if (item is AudioChunk chunk) seconds += chunk.Duration;
            item.Dispose();
        }

        Assert.Equal([MediaKind.Audio], kinds);
        Assert.Equal(11.0, seconds, 2);
    }

    private static List<double> FfprobeNumbers(string path, string entries)
    {
        var result = Processes.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", entries, "-of", "default=nw=1:nk=1", path]);
        Assert.Equal(0, result.ExitCode);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim() == "N/A" ? double.NaN : double.Parse(line.Trim(), CultureInfo.InvariantCulture)).ToList();
    }

    internal static VideoFrame NextVideo(IMediaSource source)
    {
        while (source.ReadNext() is { } item)
        {
            if (item is VideoFrame frame) return frame;
            item.Dispose();
        }
        throw new InvalidOperationException("no more video frames");
    }

    private static List<string> FrameDigests(string path)
    {
        using var source = MediaSource.Open(path, new MediaSourceOptions { Audio = false });
        var digests = new List<string>();
        while (source.ReadNext() is { } item)
        {
            using var frame = (VideoFrame)item;
            digests.Add($"{frame.Pts:R}:{Convert.ToHexString(SHA256.HashData(frame.Pixels.Span))}");
        }
        return digests;
    }
}
