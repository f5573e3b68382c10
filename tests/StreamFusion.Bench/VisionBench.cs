using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using System.Globalization;
using OpenCvSharp;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Core.Assets;
using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Media.Stage;
using StreamFusion.Vision.Denoise;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;
using StreamFusion.Inference.Preprocessing;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Bench;

/// <summary>
/// `streamfusion bench vision`: in one run on the same frames, ONNX Runtime inference alone (frames decoded and
/// preprocessed beforehand) against the whole vision stage (decode → denoise → detect → track through the
/// pipeline), motion gating's savings on a mostly static clip, and what each denoise mode costs.
/// </summary>
public static class VisionBench
{
    public static async Task RunAsync(VisionBenchOptions options, AssetLocator assets, CancellationToken cancellation)
    {
        var path = await assets.ResolveUriAsync(options.File, cancellation);
        var staticPath = await assets.ResolveUriAsync(options.StaticClip, cancellation);
        var count = Math.Max(10, options.Frames);
        var vision = await new VisionConfig { Enabled = true, Device = InferenceDevice.Cpu, Threads = options.Threads }.ResolveAsync(assets, cancellation);
        var everyFrame = vision with { Motion = MotionSettings.EveryFrame };

        Console.Out.WriteLine($"vision benchmark: {Environment.ProcessorCount} cores, {SharedSessions.CpuParallelRuns(options.Threads)} runs at a time of {options.Threads} ONNX Runtime thread(s), {count} frames per run, median of {Math.Max(1, options.Repeat)} alternating runs");
        var inferenceRuns = new List<Run>();
        var stageRuns = new List<Run>();
        for (var i = 0; i < Math.Max(1, options.Repeat); i++)
        {
            inferenceRuns.Add(InferenceOnly(path, count, everyFrame, SharedSessions.CpuParallelRuns(options.Threads)));
            stageRuns.Add(await WholeStageAsync(path, count, everyFrame));
        }
        var inference = Median(inferenceRuns);
        var stage = Median(stageRuns);
        Console.Out.WriteLine($"{"run",-52} {"frames",7} {"fps",8} {"vs inference",13}");
        Row("inference only (preprocessed frames, session.Run)", inference.Frames, inference.Fps, 1);
        Row("whole stage: decode→denoise→detect→track", stage.Frames, stage.Fps, stage.Fps / inference.Fps);

        var ungated = Gated(staticPath, count, everyFrame);
        var gated = Gated(staticPath, count, vision);
        Console.Out.WriteLine();
        Console.Out.WriteLine($"motion gating on {Path.GetFileName(staticPath)} ({count} frames, every frame eligible):");
        Console.Out.WriteLine(Invariant($"  without gating: {ungated.Analysed} analysed, {ungated.Fps:F1} fps"));
        Console.Out.WriteLine(Invariant($"  with gating:    {gated.Analysed} analysed ({100.0 * gated.Analysed / count:F0} %), {gated.Fps:F1} fps, {gated.Fps / ungated.Fps:F2}x faster"));

        Console.Out.WriteLine();
        Console.Out.WriteLine($"denoise cost on the {InputSize(vision)}x{InputSize(vision)} model input (ms per frame):");
        foreach (var mode in Enum.GetValues<DenoiseMode>())
            Console.Out.WriteLine(Invariant($"  {mode.ToString().ToLowerInvariant(),-10} {DenoiseCost(mode, InputSize(vision)),8:F3}"));

        LetterboxCosts(path, vision);
    }

    /// <summary>
    /// The letterbox both ways at three frame sizes, ms per frame: OpenCV on the CPU (the detector's own
    /// preprocessing), the letterbox graph alone on ONNX Runtime's CPU provider, and a whole detection each way. On a
    /// GPU the graph runs on the device instead; here it shows what the CPU path costs that a GPU would take over.
    /// </summary>
    private static void LetterboxCosts(string path, VisionSettings settings)
    {
        var decoded = DecodeFrames(path, 1)[0];
        Console.Out.WriteLine();
        Console.Out.WriteLine("letterbox, ms per frame (the graph on ONNX Runtime's CPU provider; on a GPU it runs on the device):");
        Console.Out.WriteLine($"  {"frame",-10} {"opencv",8} {"graph",8} {"detect, cpu letterbox",22} {"detect, graph",14}");
        using var cpu = YoloxDetector.Load(settings.Detector with { Preprocess = PreprocessMode.Cpu }, settings.Onnx);
        using var device = YoloxDetector.Load(settings.Detector with { Preprocess = PreprocessMode.Device }, settings.Onnx);
        using var graph = new InferenceSession(LetterboxGraph.Build(new LetterboxSpec(), cpu.InputSize));
        foreach (var (width, height) in new[] { (decoded.Width, decoded.Height), (1280, 720), (1920, 1080) })
        {
            var pixels = Scaled(decoded, width, height);
            var opencv = MillisecondsPerRun(() => cpu.Preprocess(pixels, width, height));
            var graphAlone = MillisecondsPerRun(() => RunLetterboxGraph(graph, pixels, width, height, cpu.InputSize));
            var detectCpu = MillisecondsPerRun(() => cpu.Detect(pixels, width, height));
            var detectGraph = MillisecondsPerRun(() => device.Detect(pixels, width, height));
            Console.Out.WriteLine(Invariant($"  {$"{width}x{height}",-10} {opencv,8:F2} {graphAlone,8:F2} {detectCpu,22:F2} {detectGraph,14:F2}"));
        }
    }

    private static void RunLetterboxGraph(InferenceSession graph, byte[] pixels, int width, int height, int size)
    {
        var (resizeSizes, padSizes) = (new long[4], new long[8]);
        LetterboxGraph.Sizes(1, width, height, size, resizeSizes, padSizes);
        using var frames = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(), [1, height, width, 3]);
        using var resizeTo = OrtValue.CreateTensorValueFromMemory(resizeSizes, [4]);
        using var padTo = OrtValue.CreateTensorValueFromMemory(padSizes, [8]);
        using var image = graph.Run(new RunOptions(), [LetterboxGraph.Frames, LetterboxGraph.ResizeTo, LetterboxGraph.PadTo], [frames, resizeTo, padTo], [LetterboxGraph.Image]);
    }

    private static byte[] Scaled((byte[] Pixels, int Width, int Height) frame, int width, int height)
    {
        if ((width, height) == (frame.Width, frame.Height)) return frame.Pixels;
        using var original = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        using var scaled = new Mat();
        Cv2.Resize(original, scaled, new Size(width, height));
        var bytes = new byte[width * height * 3];
        System.Runtime.InteropServices.Marshal.Copy(scaled.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>Median of five timings of 20 runs each, after a warm-up.</summary>
    private static double MillisecondsPerRun(Action run)
    {
        for (var i = 0; i < 3; i++) run();
        var timings = Enumerable.Range(0, 5).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++) run();
            return clock.Elapsed.TotalMilliseconds / 20;
        }).ToList();
        return MedianBy(timings, t => t);
    }

    internal sealed record Run(int Frames, double Seconds, long Analysed = 0)
    {
        public double Fps => Frames / Seconds;
    }

    internal static Run Median(List<Run> runs) => MedianBy(runs, r => r.Fps);

    /// <summary>The middle item by the key (the upper one of an even count).</summary>
    internal static T MedianBy<T>(IReadOnlyCollection<T> items, Func<T, double> key) => items.OrderBy(key).ElementAt(items.Count / 2);

    /// <summary>
    /// ONNX Runtime alone: <paramref name="runs"/> detectors sharing one session, each with its own preprocessed
    /// frame, running back to back on threads of their own, as the pipeline's detectors do; <paramref name="count"/>
    /// runs in all after a warm-up.
    /// </summary>
    internal static Run InferenceOnly(string path, int count, VisionSettings settings, int runs)
    {
        var frames = DecodeFrames(path, runs);
        var sessions = new SharedSessions(maxBatch: 1, parallelRuns: runs);
        var detectors = frames.Select(_ => YoloxDetector.Load(settings.Detector, settings.Onnx, shared: sessions)).ToList();
        try
        {
            for (var i = 0; i < runs; i++)
            {
                detectors[i].Preprocess(frames[i].Pixels, frames[i].Width, frames[i].Height);
                for (var warmUp = 0; warmUp < 5; warmUp++) detectors[i].Infer();
            }
            var clock = Stopwatch.StartNew();
            var threads = detectors.Select((detector, i) => new Thread(() =>
            {
                for (var n = i; n < count; n += runs) detector.Infer();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return new Run(count, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            detectors.ForEach(d => d.Dispose());
        }
    }

    private static async Task<Run> WholeStageAsync(string path, int count, VisionSettings settings)
    {
        using var analyzer = VisionAnalyzer.Load(settings);
        var decodeOptions = CameraPipeline.DecodeOptions(new MediaSourceOptions { Audio = false, Subtitles = false }, withVision: true);
        using var source = new FirstFrames(MediaSource.Open(path, decodeOptions), count);
        var pipeline = new Pipeline("bench");
        var decoded = pipeline.AddEdge<MediaItem>("decoded", 8, EdgePolicy.Wait);
        var analysed = pipeline.AddEdge<FrameAnalysis>("analysed", 8, EdgePolicy.Wait);
        var decode = new DecodeStage(source, Pacing.AsFastAsPossible);
        var stage = new VisionStage(analyzer);
        pipeline.AddBlockingSource("decode", stop => decode.Run(decoded, stop), decoded);
        pipeline.AddStage("vision", abort => stage.RunAsync(decoded, analysed, abort), analysed);
        var frames = 0;
        pipeline.AddStage("consume", async abort =>
        {
            await foreach (var analysis in analysed.Reader.ReadAllAsync(abort))
                if (!analysis.EndOfStream && !analysis.Carried) frames++;
        });
        var clock = Stopwatch.StartNew();
        await pipeline.RunAsync(CancellationToken.None, TimeSpan.FromSeconds(10));
        return new Run(frames, clock.Elapsed.TotalSeconds);
    }

    private static Run Gated(string path, int count, VisionSettings settings)
    {
        using var analyzer = VisionAnalyzer.Load(settings);
        using var source = MediaSource.Open(path, new MediaSourceOptions { Audio = false, Subtitles = false });
        var clock = Stopwatch.StartNew();
        var frames = 0;
        while (frames < count && source.ReadNext() is { } item)
        {
            using var frame = (VideoFrame)item;
            analyzer.Analyze(frame.Pixels.Span, frame.Width, frame.Height, frame.Pts, frame.Index);
            frames++;
        }
        return new Run(frames, clock.Elapsed.TotalSeconds, analyzer.Gate.Analyzed);
    }

    private static double DenoiseCost(DenoiseMode mode, int size)
    {
        using var image = new Mat(size, size, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(255));
        using var denoiser = new Denoiser(new DenoiseSettings(mode));
        var runs = mode == DenoiseMode.NlMeans ? 3 : 50;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++) denoiser.Apply(image);
        return clock.Elapsed.TotalMilliseconds / runs;
    }

    private static List<(byte[] Pixels, int Width, int Height)> DecodeFrames(string path, int count)
    {
        using var source = MediaSource.Open(path, new MediaSourceOptions { Audio = false, Subtitles = false });
        var frames = new List<(byte[], int, int)>();
        while (frames.Count < count && source.ReadNext() is { } item)
            using (var frame = (VideoFrame)item)
                frames.Add((frame.Pixels.ToArray(), frame.Width, frame.Height));
        return frames;
    }

    private static int InputSize(VisionSettings settings)
    {
        using var detector = YoloxDetector.Load(settings.Detector, settings.Onnx);
        return detector.InputSize;
    }

    private static void Row(string name, int frames, double fps, double ratio) =>
        Console.Out.WriteLine(Invariant($"{name,-52} {frames,7} {fps,8:F1} {ratio,12:F2}x"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A source cut to its first N items (frames, with audio and subtitles off), so every run sees the same frames.</summary>
    internal sealed class FirstFrames(IMediaSource inner, int count) : IMediaSource
    {
        private int _frames;
        public MediaUri Uri => inner.Uri;
        public MediaInfo Info => inner.Info;
        public DecodeStats Stats => inner.Stats;
        public MediaItem? ReadNext()
        {
            if (_frames >= count) return null;
            _frames++;
            return inner.ReadNext();
        }
        public bool SkipNext(out MediaKind kind) => inner.SkipNext(out kind);
        public void Interrupt() => inner.Interrupt();
        public void Dispose() => inner.Dispose();
    }
}
