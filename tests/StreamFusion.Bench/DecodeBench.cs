using StreamFusion.Core.Assets;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Bench;

/// <summary>
/// `streamfusion bench decode`: decode throughput of the in-process shim against the ffmpeg command line on the
/// same file in the same run, reported as ratios (never as absolute pass/fail times).
/// </summary>
public static partial class DecodeBench
{
    internal sealed record Row(string Name, int Frames, double Seconds)
    {
        public double Fps => Frames / Seconds;
    }

    public static async Task RunAsync(DecodeBenchOptions options, AssetLocator assets, CancellationToken cancellation)
    {
        var path = await assets.ResolveUriAsync(options.File, cancellation);
        var runs = Math.Max(1, options.Repeat);
        var video = new MediaSourceOptions { Audio = false, Subtitles = false };
        var shim = Median(runs, () => ShimToBgr(path, video));
        var rows = new[]
        {
            shim,
            Median(runs, () => ShimDecodeOnly(path, video)),
            Median(runs, () => FfmpegCli(path, "ffmpeg -f null (bgr24)", shim.Frames, "-pix_fmt", "bgr24")),
            Median(runs, () => FfmpegCli(path, "ffmpeg -f null (decode only)", shim.Frames)),
        };
        PrintTable(path, rows);
    }

    private static Row Median(int runs, Func<Row> measure) =>
        Enumerable.Range(0, runs).Select(_ => measure()).OrderBy(r => r.Seconds).ElementAt(runs / 2);

    internal static Row ShimToBgr(string path, MediaSourceOptions options)
    {
        var clock = Stopwatch.StartNew();
        var frames = 0;
        using (var source = MediaSource.Open(path, options))
        {
            while (source.ReadNext() is { } item)
            {
                if (item.Kind == MediaKind.Video) frames++;
                item.Dispose();
            }
        }
        return new Row("shim → BGR24 frames (in process)", frames, clock.Elapsed.TotalSeconds);
    }

    private static Row ShimDecodeOnly(string path, MediaSourceOptions options)
    {
        var clock = Stopwatch.StartNew();
        var frames = (int)MediaProbe.Probe(path, options, countFrames: true).VideoFrames!.Value;
        return new Row("shim decode only (no conversion)", frames, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Timed by ffmpeg's own -benchmark "rtime", so its process start-up is not held against it.</summary>
    private static Row FfmpegCli(string path, string name, int frames, params string[] outputArgs)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-hide_banner", "-nostats", "-benchmark", "-i", path, "-an", "-sn" }.Concat(outputArgs).Concat(["-f", "null", "-"]))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg (apt-get install ffmpeg)");
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var rtime = RealTime().Match(stderr);
        if (process.ExitCode != 0 || !rtime.Success) throw new InvalidOperationException($"ffmpeg failed: {stderr.Trim().Split('\n')[^1]}");
        return new Row(name, frames, double.Parse(rtime.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"rtime=([0-9.]+)s")]
    private static partial Regex RealTime();

    private static void PrintTable(string path, Row[] rows)
    {
        var baseline = rows[2];
        Console.Out.WriteLine($"decode benchmark: {Path.GetFileName(path)}, {Environment.ProcessorCount} cores, median of runs; ffmpeg timed by its -benchmark rtime");
        Console.Out.WriteLine($"{"variant",-36} {"frames",7} {"seconds",8} {"fps",9} {"vs ffmpeg bgr24",16}");
        foreach (var row in rows)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Name,-36} {row.Frames,7} {row.Seconds,8:F3} {row.Fps,9:F1} {row.Fps / baseline.Fps,15:F2}x"));
    }
}
