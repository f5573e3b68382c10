using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Media.Native;

namespace StreamFusion.Tests.Media;

public class BadInputTests
{
    [Theory]
    [InlineData("random.bin")]
    [InlineData("random.mp4")]
    [InlineData("random.dat")]
    public void Random_bytes_are_not_media(string name)
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File(name), RandomBytes(200_000));

        var error = Assert.Throws<MediaFormatException>(() => ReadAll(temp.File(name)));

        Assert.Contains(name, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("car-detection.mp4", ".mp4", "-movflags", "+faststart")]
    [InlineData("vtest_480x360.avi", ".avi")]
    public void A_file_cut_in_half_yields_the_frames_before_the_cut_then_a_truncation_error(string asset, string extension, params string[] muxFlags)
    {
        using var temp = new TempDirectory();
        var whole = temp.File("whole" + extension);
        Processes.Tool("ffmpeg", ["-v", "error", "-i", TestAssets.Media(asset), "-c", "copy", .. muxFlags, whole]);
        var bytes = File.ReadAllBytes(whole);
        var cut = temp.File("cut" + extension);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var totalFrames = MediaProbe.Probe(whole, new MediaSourceOptions(), countFrames: true).VideoFrames!.Value;

        using var source = MediaSource.Open(cut);
        var frames = 0;
        var error = Assert.Throws<MediaTruncatedException>(() =>
        {
            while (source.ReadNext() is { } item)
            {
                if (item is VideoFrame) frames++;
                item.Dispose();
            }
        });

        Assert.InRange(frames, totalFrames / 4, totalFrames * 3 / 4);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("mpegts", ".ts")]
    [InlineData("mp4", ".mp4")]
    public void Corrupt_data_mid_stream_is_counted_and_skipped_not_fatal(string format, string extension)
    {
        using var temp = new TempDirectory();
        var clean = temp.File("clean" + extension);
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("car-detection.mp4"), "-c", "copy", "-f", format, clean);
        var bytes = File.ReadAllBytes(clean);
        var noise = new Random(3);
        foreach (var at in new[] { bytes.Length * 3 / 10, bytes.Length * 6 / 10 })
            noise.NextBytes(bytes.AsSpan(at, 20_000));
        var damaged = temp.File("damaged" + extension);
        File.WriteAllBytes(damaged, bytes);

        using var source = MediaSource.Open(damaged);
        var frames = 0;
        while (source.ReadNext() is { } item)
        {
            if (item is VideoFrame) frames++;
            item.Dispose();
        }

        Assert.InRange(frames, 377 * 8 / 10, 377);
        Assert.True(source.Stats.CorruptPackets > 0, "corrupt packets should be counted");
    }

    [Fact]
    public void A_missing_path_is_not_found()
    {
        var error = Assert.Throws<MediaNotFoundException>(() => MediaSource.Open("/nonexistent/footage.mp4"));
        Assert.Equal("/nonexistent/footage.mp4: no such file", error.Message);
    }

    [Fact]
    public void An_unreachable_rtsp_camera_fails_fast_with_a_network_error()
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<MediaNetworkException>(() => MediaSource.Open("rtsp://127.0.0.1:9/x"));
        Assert.Contains("rtsp://127.0.0.1:9/x", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_server_that_never_answers_times_out_at_the_open_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<MediaNetworkException>(() =>
            MediaSource.Open($"http://127.0.0.1:{port}/live.ts", new MediaSourceOptions { OpenTimeout = TimeSpan.FromSeconds(1) }));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal($"http://127.0.0.1:{port}/live.ts: opening input: timed out after 1.0 s without data", error.Message);
    }

    [Fact]
    public async Task Cancelling_an_open_that_waits_for_a_silent_stream_returns_promptly()
    {
        var port = NetworkSourceTests.FreeUdpPort();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var opening = Task.Run(() => MediaSource.Open($"udp://127.0.0.1:{port}", new MediaSourceOptions { OpenTimeout = TimeSpan.FromMinutes(1) }, cancel.Token));
        var error = await Assert.ThrowsAsync<MediaAbortedException>(() => opening);

        // Far below the 1-minute open timeout it would otherwise wait out (the margin absorbs a busy test machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"open returned after {clock.Elapsed}");
        Assert.EndsWith("interrupted", error.Message);
    }

    [Fact]
    public async Task Interrupt_releases_a_read_blocked_on_a_stalled_stream()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var streamed = Task.Run(async () =>
        {
            // Serve the start of an MPEG-TS file, then stall forever without closing.
            using var client = await server.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[4096];
            _ = await stream.ReadAsync(request);
            var header = "HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n\r\n"u8.ToArray();
            await stream.WriteAsync(header);
            await stream.WriteAsync(TsBytes(900_000));
            await Task.Delay(TimeSpan.FromSeconds(30));
        });

        using var source = MediaSource.Open($"http://127.0.0.1:{port}/cam.ts", new MediaSourceOptions { ReadTimeout = TimeSpan.FromMinutes(1), Audio = false });
        var reader = Task.Run(() =>
        {
            while (source.ReadNext() is { } item) item.Dispose();
        });
        await Task.Delay(1500);
        Assert.False(reader.IsCompleted, "the reader should be blocked on the stalled stream");

        var clock = Stopwatch.StartNew();
        source.Interrupt();
        await Assert.ThrowsAsync<MediaAbortedException>(() => reader);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"interrupt took {clock.Elapsed} (the read timeout is 1 minute)");
        Assert.False(streamed.IsFaulted);
    }

    [Fact]
    public void Credentials_in_urls_never_reach_error_messages()
    {
        var error = Assert.Throws<MediaNetworkException>(() => MediaSource.Open("rtsp://admin:hunter2@127.0.0.1:9/stream?token=abc123"));

        Assert.DoesNotContain("hunter2", error.Message);
        Assert.DoesNotContain("abc123", error.Message);
        Assert.Contains("admin:***@", error.Message);
    }

    [Fact]
    public void Unsupported_protocols_are_reported_as_unsupported()
    {
        Assert.Throws<UnsupportedMediaException>(() => MediaSource.Open("nosuchproto://camera/1"));
    }

    private static byte[] _tsCache = [];

    private static byte[] TsBytes(int count)
    {
        if (_tsCache.Length == 0)
            _tsCache = Processes.RunBinary("ffmpeg", "-v", "error", "-i", TestAssets.Media("car-detection.mp4"), "-c", "copy", "-an", "-f", "mpegts", "-");
        return _tsCache[..Math.Min(count, _tsCache.Length)];
    }

    private static void ReadAll(string path)
    {
        using var source = MediaSource.Open(path);
        while (source.ReadNext() is { } item) item.Dispose();
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Out_of_memory_from_libav_on_corrupt_input_and_refused_credentials_are_bad_input_not_internal_failures()
    {
        var uri = StreamFusion.Media.MediaUri.Parse("rtsp://viewer:secret@10.0.0.5/live");

        var memory = FfmpegMediaSource.ToException((int)SfStatus.NoMemory, uri, "decoding video: Cannot allocate memory");
        var denied = FfmpegMediaSource.ToException((int)SfStatus.Denied, uri, "opening input: Server returned 401 Unauthorized (authorization failed)");

        Assert.IsType<MediaFormatException>(memory);
        Assert.Equal("rtsp://viewer:***@10.0.0.5/live: decoding video: Cannot allocate memory (corrupt input)", memory.Message);
        Assert.Equal(3, StreamFusion.Cli.ErrorReporter.ExitCode(memory));
        Assert.IsType<MediaAccessDeniedException>(denied);
        Assert.False(StreamFusion.Media.Live.SourceRetry.IsRetryable(denied));
        Assert.Equal(3, StreamFusion.Cli.ErrorReporter.ExitCode(denied));
    }
}
