using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Tests.Media;

/// <summary>Live network sources served by a real ffmpeg process on loopback.</summary>
public class NetworkSourceTests
{
    [Fact]
    public void Reads_an_http_mpegts_stream()
    {
        var port = FreeTcpPort();
        using var server = LiveFfmpeg.ServeHttpTs(port);

        using var source = OpenWhenReady($"http://127.0.0.1:{port}/cam.ts", new MediaSourceOptions());

        AssertLiveVideo(source);
    }

    [Fact]
    public void Reads_a_udp_mpegts_stream()
    {
        var port = FreeUdpPort();
        using var sender = LiveFfmpeg.Start("-f", "mpegts", $"udp://127.0.0.1:{port}?pkt_size=1316");

        using var source = MediaSource.Open($"udp://127.0.0.1:{port}", new MediaSourceOptions { OpenTimeout = TimeSpan.FromSeconds(8) });

        AssertLiveVideo(source);
    }

    [Fact]
    public async Task Reads_rtsp_over_tcp_with_ffmpeg_options_passed_to_the_demuxer()
    {
        // The source listens as an RTSP server (rtsp_flags=listen) and ffmpeg publishes to it over TCP.
        var port = FreeTcpPort();
        var url = $"rtsp://127.0.0.1:{port}/cam";
        var options = new MediaSourceOptions
        {
            OpenTimeout = TimeSpan.FromSeconds(10),
            RtspTransport = "tcp",
            FfmpegOptions = new Dictionary<string, string> { ["rtsp_flags"] = "listen" },
        };
        var opening = Task.Run(() => MediaSource.Open(url, options));
        // The publisher gives up at once if the source is not listening yet: restart it until it connects.
        var publisher = LiveFfmpeg.Start("-f", "rtsp", "-rtsp_transport", "tcp", url);
        while (!opening.IsCompleted)
        {
            await Task.WhenAny(opening, Task.Delay(300));
            if (!opening.IsCompleted && publisher.HasExited)
            {
                publisher.Dispose();
                publisher = LiveFfmpeg.Start("-f", "rtsp", "-rtsp_transport", "tcp", url);
            }
        }

        using var source = await opening;
        using var running = publisher;

        Assert.Equal("rtsp", source.Info.Format);
        AssertLiveVideo(source);
    }

    [Fact]
    public void Reads_an_http_mjpeg_stream()
    {
        var port = FreeTcpPort();
        using var server = LiveFfmpeg.Start("-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1", $"http://127.0.0.1:{port}/cam.mjpg");

        using var source = OpenWhenReady($"http://127.0.0.1:{port}/cam.mjpg", new MediaSourceOptions());

        Assert.Equal("mpjpeg", source.Info.Format);
        AssertLiveVideo(source);
    }

    [Fact]
    public void Reads_a_live_hls_playlist()
    {
        using var temp = new TempDirectory();
        var playlist = temp.File("live.m3u8");
        using var writer = LiveFfmpeg.Start("-f", "hls", "-hls_time", "1", "-hls_list_size", "4", "-hls_flags", "delete_segments", playlist);
        Waiting.WaitUntil(() => File.Exists(playlist) && File.ReadAllText(playlist).Contains(".ts"), TimeSpan.FromSeconds(20), "the live playlist");

        using var source = MediaSource.Open(playlist, new MediaSourceOptions());

        Assert.Equal("hls", source.Info.Format);
        AssertLiveVideo(source);
    }

    private static void AssertLiveVideo(IMediaSource source)
    {
        Assert.Equal((360, 288), (source.Info.Video!.Width, source.Info.Video.Height));
        var pts = new List<double>();
        while (pts.Count < 15 && source.ReadNext() is { } item)
        {
            using (item)
                if (item is VideoFrame frame)
                {
                    Assert.Equal(360 * 288 * 3, frame.Pixels.Length);
                    pts.Add(frame.Pts);
                }
        }
        Assert.Equal(15, pts.Count);
        Assert.True(pts[^1] > pts[0], "live PTS should advance");
    }

    private static IMediaSource OpenWhenReady(string url, MediaSourceOptions options)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return MediaSource.Open(url, options);
            }
            catch (MediaNetworkException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(100);
            }
        }
    }

    internal static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}

/// <summary>
/// ffmpeg sending the GRID clip at its real rate (-re), looped, until disposed. Its keyframe every 0.48 s lets a
/// receiver start within half a second (the car-park clip's 4.8 s GOP made every open wait).
/// </summary>
internal sealed class LiveFfmpeg : IDisposable
{
    private readonly string[] _output;
    private readonly bool _restart;
    private readonly object _lock = new();
    private readonly List<Process> _exited = [];
    private readonly Queue<string> _log = new();
    private Process _process;
    private int _launches;
    private bool _disposed;

    private readonly string? _media;

    /// <param name="media">what to loop with its audio; null: the GRID clip, video only</param>
    private LiveFfmpeg(string[] output, bool restart, string? media = null)
    {
        (_output, _restart, _media) = (output, restart, media);
        _process = Launch();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>How many times ffmpeg was started and the last lines it printed: for failure messages.</summary>
    public string Describe()
    {
        lock (_lock) return $"ffmpeg started {_launches} times; its last errors: [{string.Join(" | ", _log)}]";
    }

    /// <summary>
    /// Serves the looped clip as live MPEG-TS over HTTP at http://127.0.0.1:PORT/cam.ts, one viewer at a time. Like a
    /// camera, it takes the next viewer when one leaves: ffmpeg's listener serves one and exits, so it is started again.
    /// </summary>
    public static LiveFfmpeg ServeHttpTs(int port, string? media = null) => new(["-f", "mpegts", "-listen", "1", $"http://127.0.0.1:{port}/cam.ts"], restart: true, media);

    public static LiveFfmpeg Start(params string[] output) => new(output, restart: false);

    private Process Launch()
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true };
        string[] input = _media is null ? ["-i", TestAssets.Media("grid_swwp2s.mpg"), "-c", "copy", "-an"] : ["-i", _media, "-c", "copy"];
        foreach (var arg in new[] { "-v", "error", "-re", "-stream_loop", "-1" }.Concat(input).Concat(_output))
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = _restart };
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        if (_restart) process.Exited += (_, _) => Relaunch();
        process.Start();
        process.BeginErrorReadLine();
        _launches++;
        return process;
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrEmpty(line)) return;
        lock (_lock)
        {
            _log.Enqueue(line);
            if (_log.Count > 5) _log.Dequeue();
        }
    }

    private void Relaunch()
    {
        Thread.Sleep(100); // an ffmpeg that cannot start at all is not restarted in a tight loop
        // Called from the exited process's own event: that process is disposed with the others at the end.
        lock (_lock)
        {
            if (_disposed) return;
            _exited.Add(_process);
            _process = Launch();
        }
    }

    public void Dispose()
    {
        // Not under the lock: waiting for an exit raises the Exited event, whose handler may be waiting for the lock.
        Process[] processes;
        lock (_lock)
        {
            _disposed = true;
            processes = [.. _exited, _process];
        }
        var current = processes[^1];
        if (!current.HasExited) current.Kill(entireProcessTree: true);
        current.WaitForExit(5000);
        foreach (var process in processes) process.Dispose();
    }
}
