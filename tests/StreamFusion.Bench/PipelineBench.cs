using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamFusion.Audio.Features;
using StreamFusion.Hosting.Config;
using StreamFusion.Core.Assets;
using StreamFusion.Kafka.Embedded;
using StreamFusion.Media;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;

namespace StreamFusion.Bench;

/// <summary>
/// `streamfusion bench pipeline`: in one run on the same footage, the limits (decode alone, inference alone on
/// preprocessed frames with the same threads, MFCC alone), the whole pipeline in lossless replay as a separate
/// process (decode → detect every frame → track → audio → fusion → Kafka on an embedded broker: frames/s,
/// records/s, CPU, peak RSS), and the baseline a user would write (tests/bench/baseline_pipeline.py: OpenCV
/// VideoCapture + cv2.dnn + confluent-kafka) against the same broker; with the ratios between them. Then the
/// same pipeline paced at the footage's real rate, as a live camera, for capture→ack latency percentiles.
/// </summary>
public static partial class PipelineBench
{
    /// <summary>streamfusion's exit code after SIGTERM, once it has drained: how the live run is stopped.</summary>
    private const int TerminatedExitCode = 143;

    private sealed record Result(string Name, double Fps, double? RecordsPerSecond = null, double? CpuPercent = null, double? PeakRssMb = null);

    /// <summary>One round: the decode and inference limits, then the whole pipeline right after them.</summary>
    private sealed record Round(VisionBench.Run SideBySide, VisionBench.Run? Split, Result Pipeline, double DecodeFps, Result? WithRules)
    {
        private double InferenceLimit => Math.Max(SideBySide.Fps, Split?.Fps ?? 0);
        public double OverLimit => Pipeline.Fps / Math.Min(DecodeFps, InferenceLimit);
        public double OverSharedCores => Pipeline.Fps * (1 / DecodeFps + 1 / InferenceLimit);
    }

    /// <summary>What tests/bench/baseline_pipeline.py imports, and the Debian package of each.</summary>
    private static readonly Dictionary<string, string> BaselineModules = new()
    {
        ["cv2"] = "python3-opencv", ["numpy"] = "python3-numpy", ["confluent_kafka"] = "python3-confluent-kafka",
    };

    public static async Task RunAsync(PipelineBenchOptions options, AssetLocator assets, CancellationToken cancellation)
    {
        if (!options.NoBaseline && PythonBaseline.MissingPackages(BaselineModules) is { Count: > 0 } missing)
            throw new BenchPrerequisiteException($"bench pipeline: the Python baseline needs {string.Join(", ", missing)}: {PythonBaseline.InstallCommand(missing)} (or --no-baseline)");
        var path = await assets.ResolveUriAsync(options.File, cancellation);
        var rules = options.Rules is { } rulesFile ? Path.GetFullPath(rulesFile) : null;
        var sceneRules = rules is null ? null : RulesConfigReader.Load(rules).Rules; // bad rules stop the bench before it starts
        var threadCount = options.Threads;
        var vision = await new VisionConfig { Enabled = true, Device = InferenceDevice.Cpu, Threads = threadCount }.ResolveAsync(assets, cancellation);
        using var broker = new EmbeddedBroker();
        broker.CreateTopic("streamfusion.detections");
        broker.CreateTopic("baseline.detections");

        // The limit is the faster of the pipeline's setting and one run split over every core (same threads in all).
        var runs = SharedSessions.CpuParallelRuns(threadCount);
        var count = Math.Max(10, options.Frames);
        var loopCount = Math.Max(1, options.Loops);
        var roundsWanted = Math.Max(1, options.Rounds);
        using var workspace = new BenchWorkspace();
        var footage = workspace.Looped(path, loopCount);
        // Rounds alternate the limits with the pipeline and each round's ratios use its own limits: on a shared
        // machine, runs minutes apart see different neighbours.
        var rounds = new List<Round>();
        for (var round = 0; round < roundsWanted; round++)
        {
            var decode = DecodeBench.ShimToBgr(path, new MediaSourceOptions { Audio = false, Subtitles = false });
            var sideBySide = VisionBench.InferenceOnly(path, count, vision, runs);
            var split = runs > 1 ? VisionBench.InferenceOnly(path, count, vision with { Onnx = vision.Onnx with { IntraOpThreads = Environment.ProcessorCount } }, runs: 1) : null;
            var plain = WholePipeline(workspace, footage, broker.BootstrapServers, threadCount);
            var withRules = rules is null ? null : WholePipeline(workspace, footage, broker.BootstrapServers, threadCount, rules);
            rounds.Add(new Round(sideBySide, split, plain, decode.Fps, withRules));
        }
        var mfccRealTime = MfccRealTimeFactor(path, await assets.ResolveUriAsync("asset:media/jfk.wav", cancellation));
        var baseline = options.NoBaseline ? null : Baseline(path, vision.Detector.ModelPath, broker.BootstrapServers);
        var live = options.LiveSeconds > 0 ? LiveLatency(workspace, path, broker.BootstrapServers, threadCount, TimeSpan.FromSeconds(options.LiveSeconds)) : null;

        var pipeline = VisionBench.MedianBy(rounds, r => r.Pipeline.Fps).Pipeline;
        var results = new List<Result>
        {
            new("decode only (shim → BGR24)", VisionBench.MedianBy(rounds, r => r.DecodeFps).DecodeFps),
            new($"inference only, {runs} run(s) at once × {threadCount} thread(s) (pipeline's)", VisionBench.Median([.. rounds.Select(r => r.SideBySide)]).Fps),
        };
        if (runs > 1) results.Add(new($"inference only, 1 run × {Environment.ProcessorCount} threads", VisionBench.Median([.. rounds.Select(r => r.Split!)]).Fps));
        results.Add(pipeline with { Name = $"whole pipeline ({loopCount}x the footage; every frame, audio, Kafka)" });
        if (baseline is not null) results.Add(baseline);
        var ratios = new Dictionary<string, double[]>
        {
            ["pipeline / min(decode, inference)"] = [.. rounds.Select(r => r.OverLimit)],
            // On a CPU, decode and inference take turns on the same cores: together they bound the pipeline lower.
            ["pipeline / decode and inference on the same cores"] = [.. rounds.Select(r => r.OverSharedCores)],
        };
        if (baseline is not null) ratios["pipeline / python baseline"] = [.. rounds.Select(r => r.Pipeline.Fps / baseline.Fps)];
        string? rulesAlone = null;
        if (sceneRules is not null)
        {
            var rulesRun = VisionBench.MedianBy(rounds, r => r.WithRules!.Fps).WithRules!;
            results.Add(rulesRun with { Name = $"whole pipeline with {sceneRules.Zones.Count} zones and {sceneRules.Lines.Count} lines" });
            ratios["pipeline with scene rules / without"] = [.. rounds.Select(r => r.WithRules!.Fps / r.Pipeline.Fps)];
            var microseconds = SceneRulesBench.MicrosecondsPerFrame(sceneRules);
            rulesAlone = string.Create(CultureInfo.InvariantCulture,
                $"scene rules alone: {microseconds:F1} µs per frame with 20 objects, {100 * microseconds / 1e6 * pipeline.Fps:F3} % of the pipeline's time per frame");
        }
        Print(Path.GetFileName(path), results, mfccRealTime, ratios, live, options.Json, rulesAlone);
    }

    /// <summary>The streamfusion program these benchmarks run in (its `bench` verbs): the pipeline runs are its `run` verb.</summary>
    private static string StreamFusionCli => System.Reflection.Assembly.GetEntryAssembly()!.Location;

    /// <summary>MFCC alone, one thread, after a JIT warm-up: seconds of audio per second of compute.</summary>
    private static double MfccRealTimeFactor(string path, string fallback)
    {
        var samples = MediaSource.ReadAllAudio(path, 16000);
        if (samples.Length < 16000) samples = MediaSource.ReadAllAudio(fallback, 16000); // no audio track (or under a second)
        return samples.Length / 16000.0 / AudioBench.SecondsPerPass(() => new MfccExtractor(new MfccSettings()).ComputeAll(samples), passes: 5);
    }

    /// <summary>
    /// `streamfusion run` as its own process, detecting every frame of the footage; CPU and peak RSS read from /proc
    /// while it runs.
    /// </summary>
    private static Result WholePipeline(BenchWorkspace workspace, string footage, string bootstrap, int threads, string? rules = null)
    {
        var config = BenchConfig(workspace.NewRunFolder(), footage, bootstrap, threads, pace: "fast", rules);
        var (stdout, cpuPercent, peakRss) = RunMeasured(Environment.ProcessPath!, [StreamFusionCli, "run", config]);
        var summary = Summary().Match(stdout);
        var published = Published().Match(stdout);
        if (!summary.Success || !published.Success) throw new InvalidOperationException($"the pipeline run printed no summary:\n{stdout}");
        var seconds = Number(summary.Groups["seconds"]);
        return new Result("whole pipeline", Number(summary.Groups["frames"]) / seconds, Number(published.Groups["records"]) / seconds, cpuPercent, peakRss / 1e6);
    }

    /// <summary>A temporary folder for the runs' configs, spools and the looped footage; deleted at the end.</summary>
    private sealed class BenchWorkspace : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("streamfusion-bench-").FullName;
        private int _runs;

        public string NewRunFolder() => Directory.CreateDirectory(Path.Combine(_folder, $"run-{++_runs}")).FullName;

        /// <summary>The footage played <paramref name="loops"/> times back to back (one file, stream-copied by ffmpeg).</summary>
        public string Looped(string path, int loops)
        {
            if (loops == 1) return path;
            var looped = Path.Combine(_folder, "looped" + Path.GetExtension(path));
            try
            {
                RunMeasured("ffmpeg", ["-v", "error", "-y", "-stream_loop", (loops - 1).ToString(CultureInfo.InvariantCulture), "-i", path, "-c", "copy", looped]);
                return looped;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"bench: could not loop the footage with ffmpeg ({e.Message.Split('\n')[0]}); the pipeline plays it once");
                return path;
            }
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// The same pipeline paced at the footage's real rate (a live camera, drop-oldest edges), stopped after the given
    /// time: capture of each window's end → broker acknowledgement, p50/p95/p99 in milliseconds.
    /// </summary>
    private static (double P50, double P95, double P99)? LiveLatency(BenchWorkspace workspace, string path, string bootstrap, int threads, TimeSpan length)
    {
        var config = BenchConfig(workspace.NewRunFolder(), path, bootstrap, threads, pace: "realtime");
        var (stdout, _, _) = RunMeasured(Environment.ProcessPath!, [StreamFusionCli, "run", config], stopAfter: length);
        var latency = AckLatency().Match(stdout);
        return latency.Success ? (Number(latency.Groups["p50"]), Number(latency.Groups["p95"]), Number(latency.Groups["p99"])) : null;
    }

    /// <summary>One camera on the footage; vision on every frame the pace delivers, audio, Kafka to the bench broker.</summary>
    private static string BenchConfig(string folder, string path, string bootstrap, int threads, string pace, string? rules = null)
    {
        var config = Path.Combine(folder, "bench.yaml");
        File.WriteAllText(config, string.Join('\n',
            "version: 1",
            $"vision: {{ threads: {threads}, device: cpu, motion: {{ enabled: false }} }}",
            "audio: {}",
            pace == "fast" ? "queues: { policy: wait }" : "queues: { capacity: 2, policy: drop-oldest }",
            $"kafka: {{ bootstrap_servers: \"{bootstrap}\", spool: {{ dir: \"{Path.Combine(folder, "spool")}\" }} }}",
            "cameras:",
            $"  - {{ id: bench, uri: \"{path}\", pace: {pace}{(rules is null ? "" : $", rules: \"{rules}\"")} }}"));
        return config;
    }

    private static Result? Baseline(string path, string model, string bootstrap)
    {
        var script = AssetLocator.FindRepositoryRoot(AppContext.BaseDirectory) is { } root ? Path.Combine(root, "tests/bench/baseline_pipeline.py") : null;
        if (script is null)
        {
            Console.Error.WriteLine("bench: the Python baseline is in the repository's tests/bench, which is not beside this build; skipped");
            return null;
        }
        var (stdout, cpuPercent, peakRss) = RunMeasured(PythonBaseline.Python, [script, path, model, "--kafka", bootstrap]);
        using var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var fps = result.RootElement.GetProperty("fps").GetDouble();
        return new Result("python baseline (VideoCapture + cv2.dnn + confluent-kafka)", fps, fps, cpuPercent, peakRss / 1e6);
    }

    /// <summary>Runs a process to its end (or stops it with SIGTERM after a while); its CPU use (100 % = one core) and peak RSS, polled from /proc.</summary>
    private static (string Stdout, double CpuPercent, long PeakRssBytes) RunMeasured(string file, IEnumerable<string> args, TimeSpan? stopAfter = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var (cpuTicks, peak) = (0L, 0L);
        var stopped = false;
        while (!process.WaitForExit(100))
        {
            if (!stopped && stopAfter is { } after && clock.Elapsed > after)
            {
                stopped = true;
                Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            }
            try
            {
                var stat = File.ReadAllText($"/proc/{process.Id}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpuTicks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime
                var hwm = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
                if (hwm is not null) peak = long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                // exited between the check and the read
            }
        }
        if (process.ExitCode != 0 && !(stopped && process.ExitCode == TerminatedExitCode)) throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {stderr.Result.Trim().Split('\n')[^1]}");
        const double ticksPerSecond = 100; // USER_HZ on Linux
        return (stdout.Result, 100 * cpuTicks / ticksPerSecond / clock.Elapsed.TotalSeconds, peak);
    }

    private static void Print(string file, List<Result> results, double mfccRealTime, Dictionary<string, double[]> ratios,
        (double P50, double P95, double P99)? live, bool json, string? rulesAlone)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                file, cores = Environment.ProcessorCount, mfcc_real_time_factor = Math.Round(mfccRealTime),
                live_capture_to_ack_ms = live is { } l ? new { p50 = l.P50, p95 = l.P95, p99 = l.P99 } : null,
                runs = results.Select(r => new { name = r.Name, fps = Math.Round(r.Fps, 1), records_per_second = r.RecordsPerSecond, cpu_percent = r.CpuPercent, peak_rss_mb = r.PeakRssMb }),
                ratios = ratios.ToDictionary(r => r.Key, r => Math.Round(Median(r.Value), 3)),
                ratio_rounds = ratios.ToDictionary(r => r.Key, r => r.Value.Select(v => Math.Round(v, 3))),
                scene_rules_alone = rulesAlone,
            }));
            return;
        }
        Console.Out.WriteLine($"pipeline benchmark: {file}, {Environment.ProcessorCount} cores; CPU: 100 % = one core busy");
        Console.Out.WriteLine($"{"run",-60} {"frames/s",9} {"records/s",10} {"CPU %",7} {"peak RSS MB",12}");
        foreach (var r in results)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-60} {r.Fps,9:F1} {Cell(r.RecordsPerSecond, "F1"),10} {Cell(r.CpuPercent, "F0"),7} {Cell(r.PeakRssMb, "F0"),12}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MFCC alone: {mfccRealTime:F0}x real time (one thread)"));
        if (rulesAlone is not null) Console.Out.WriteLine(rulesAlone);
        foreach (var (name, values) in ratios)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {Median(values):F2}x{(values.Length > 1 ? $" (median of {values.Length} rounds: {string.Join(", ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))})" : "")}"));
        if (live is { } latency)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"live (real-time pace, drop-oldest): capture→ack p50 {latency.P50:F1} ms, p95 {latency.P95:F1} ms, p99 {latency.P99:F1} ms"));
    }

    private static double Median(double[] values) => VisionBench.MedianBy(values, v => v);

    private static string Cell(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static double Number(Group group) => double.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\[bench\] completed in (?<seconds>[0-9.]+)s: (?<frames>\d+) frames")]
    private static partial Regex Summary();

    [GeneratedRegex(@"kafka: (?<records>\d+) records published")]
    private static partial Regex Published();

    [GeneratedRegex(@"latency p50 (?<p50>[0-9.]+) ms, p95 (?<p95>[0-9.]+) ms, p99 (?<p99>[0-9.]+) ms")]
    private static partial Regex AckLatency();
}
