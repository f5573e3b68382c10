using System.Diagnostics;
using StreamFusion.Tests.Media;

namespace StreamFusion.Tests.Live;

/// <summary>
/// tests/rtsp/serve.py: GStreamer's gst-rtsp-server in PLAY mode on loopback, serving real footage re-encoded live
/// (/live, /finite, /stall, /recording). Killed, not stopped, on dispose: a camera that loses power says nothing.
/// </summary>
public sealed class RtspServer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private RtspServer(int port, string[] extra)
    {
        Port = port;
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        var script = Path.Combine(Config.PipelineConfigTests.RepositoryRoot(), "tests", "rtsp", "serve.py");
        foreach (var arg in new[] { script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--frames", Frames.Value.Pattern,
                     "--count", Frames.Value.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(extra))
            info.ArgumentList.Add(arg);
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_log) _log.Add(line); };
        _process.BeginErrorReadLine();
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || ready.Result?.StartsWith("ready ", StringComparison.Ordinal) != true)
        {
            Dispose();
            throw new InvalidOperationException($"serve.py did not start: {Describe()}");
        }
    }

    public int Port { get; }

    public string Url(string mount, string? credentials = null) => $"rtsp://{(credentials is null ? "" : credentials + "@")}127.0.0.1:{Port}/{mount}";

    /// <param name="extra">serve.py options: --user U --password P --auth basic|digest, --transport tcp|udp, --stall-after S, --recording FILE</param>
    public static RtspServer Start(int? port = null, params string[] extra) => new(port ?? NetworkSourceTests.FreeTcpPort(), extra);

    public string Describe()
    {
        lock (_log) return $"serve.py on port {Port}: [{string.Join(" | ", _log.TakeLast(5))}]";
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }

    /// <summary>The GRID clip as JPEG frames (3 s at 25 fps), made once per test run: serve.py loops them live.</summary>
    private static readonly Lazy<(string Pattern, int Count)> Frames = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("streamfusion-rtsp-frames-").FullName;
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("grid_swwp2s.mpg"), "-q:v", "5", Path.Combine(folder, "%05d.jpg"));
        return (Path.Combine(folder, "%05d.jpg"), Directory.GetFiles(folder, "*.jpg").Length);
    });
}
