using StreamFusion.Bench;
using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Tests.Vision;

/// <summary>
/// The vision stage: detecting several frames at once gives what one frame at a time gives, in frame order; live, a
/// burst of frames drops only frames waiting for a detector; lossless, a detector has its next frame queued.
/// </summary>
public class VisionStageTests
{
    private const int Frames = 80;

    [Fact]
    public async Task Frames_detected_in_parallel_come_out_in_order_with_the_same_tracks_as_one_at_a_time()
    {
        var settings = Settings(new MotionSettings(DetectFps: 5, MotionGating: false)); // every 2nd frame detected, the others carried
        using var oneAtATime = VisionAnalyzer.Load(settings, sharing: Sharing(parallelRuns: 1));
        using var parallel = VisionAnalyzer.Load(settings, sharing: Sharing(parallelRuns: 3));
        Assert.Equal((1, 3), (oneAtATime.Detectors, parallel.Detectors));

        var expected = new List<FrameAnalysis>();
        using (var source = Open())
            while (source.ReadNext() is VideoFrame frame)
                using (frame)
                    expected.Add(oneAtATime.Analyze(frame.Pixels.Span, frame.Width, frame.Height, frame.Pts, frame.Index)
                                 ?? oneAtATime.Carry(frame.Pts, frame.Index, frame.Width, frame.Height));
        var actual = await RunStageAsync(new VisionStage(parallel), new PipelineEdge<MediaItem>("in", 4, EdgePolicy.Wait));

        Assert.Equal(Frames, expected.Count);
        Assert.True(actual[^1].EndOfStream);
        Assert.Equal(expected.Select(Describe), actual.SkipLast(1).Select(Describe));
        Assert.Contains(expected, a => a.Carried);
        Assert.Contains(expected, a => a.Objects.Count > 2);
    }

    [Fact]
    public async Task A_live_burst_drops_only_frames_waiting_for_the_detector_the_oldest_first()
    {
        // A detector far slower than the burst: 80 frames (8 s of media) arrive at once while one detection takes 60 ms.
        var settings = Settings(new MotionSettings(DetectFps: 5, MotionGating: false), simulatedDelay: TimeSpan.FromMilliseconds(60));
        using var analyzer = VisionAnalyzer.Load(settings, sharing: Sharing(parallelRuns: 1));
        var input = new PipelineEdge<MediaItem>("in", 2, EdgePolicy.Wait);

        var analyses = (await RunStageAsync(new VisionStage(analyzer, waitingPerDetector: 2), input)).SkipLast(1).ToList();

        // At 10 fps and 5 detections/s the gate picks the even frames; the odd ones are carried, none of them lost.
        var admitted = Enumerable.Range(0, Frames / 2).Select(i => 2L * i).ToList();
        var carried = analyses.Where(a => a.Carried).Select(a => a.FrameIndex).ToList();
        var detected = analyses.Where(a => !a.Carried).Select(a => a.FrameIndex).ToList();
        Assert.Equal(Enumerable.Range(0, Frames / 2).Select(i => 2L * i + 1), carried);
        Assert.Equal(analyses.Select(a => a.FrameIndex).Order(), analyses.Select(a => a.FrameIndex));
        Assert.Subset(admitted.ToHashSet(), detected.ToHashSet());
        // The newest frames waiting (as many as may wait) are detected; the frames dropped are counted on the input edge.
        Assert.Equal(admitted.TakeLast(2), detected.TakeLast(2));
        Assert.InRange(detected.Count, 3, admitted.Count - 1);
        Assert.Equal(admitted.Count - detected.Count, input.Dropped);
    }

    [Fact]
    public async Task Lossless_a_detector_has_its_next_frame_queued_while_it_runs_one()
    {
        // One detector, 1 s a detection: while it runs the first frame, the stage holds the next one queued for it and
        // one more waiting for room, and takes nothing else.
        var settings = Settings(MotionSettings.EveryFrame, simulatedDelay: TimeSpan.FromSeconds(1));
        using var analyzer = VisionAnalyzer.Load(settings, sharing: Sharing(parallelRuns: 1));
        var input = new PipelineEdge<MediaItem>("in", Frames, EdgePolicy.Wait);
        await FeedAsync(input); // every frame fits
        var output = new PipelineEdge<FrameAnalysis>("out", 4, EdgePolicy.Wait);
        using var abort = new CancellationTokenSource();

        var run = new VisionStage(analyzer).RunAsync(input, output, abort.Token);
        const int taken = 3;
        for (var polls = 0; polls < 40 && input.Reader.Count > Frames - taken; polls++) await Task.Delay(10);
        await Task.Delay(150);
        var (left, analysed) = (input.Reader.Count, output.Reader.Count);
        abort.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        input.DisposeRemaining();

        Assert.Equal(Frames - taken, left);
        Assert.Equal(0, analysed); // still within the first detection
    }

    /// <summary>YOLOX on the CPU with the given gate, optionally slowed down.</summary>
    private static VisionSettings Settings(MotionSettings motion, TimeSpan simulatedDelay = default) =>
        new(VisionTestSupport.Settings(), new OnnxSettings { Device = InferenceDevice.Cpu }, motion, new TrackerSettings(), SimulatedDelay: simulatedDelay);

    private static InferenceSharing Sharing(int parallelRuns) => new(new SharedSessions(maxBatch: 1, parallelRuns: parallelRuns), null);

    private static IMediaSource Open() =>
        new VisionBench.FirstFrames(MediaSource.Open(TestAssets.Media("vtest_480x360.avi"), new MediaSourceOptions { Audio = false, Subtitles = false }), Frames);

    private static async Task<List<FrameAnalysis>> RunStageAsync(VisionStage stage, PipelineEdge<MediaItem> input)
    {
        var output = new PipelineEdge<FrameAnalysis>("out", 4, EdgePolicy.Wait);
        var feed = Task.Run(() => FeedAsync(input));
        var run = Task.Run(async () =>
        {
            await stage.RunAsync(input, output, CancellationToken.None);
            output.Complete();
        });
        var analyses = new List<FrameAnalysis>();
        await foreach (var analysis in output.Reader.ReadAllAsync()) analyses.Add(analysis);
        await Task.WhenAll(feed, run);
        return analyses;
    }

    /// <summary>Writes the clip's first frames into the edge, then completes it.</summary>
    private static async Task FeedAsync(PipelineEdge<MediaItem> input)
    {
        using var source = Open();
        while (source.ReadNext() is { } item) await input.WriteAsync(item, CancellationToken.None);
        input.Complete();
    }

    /// <summary>Frame, whether carried, and each object's track, label and box (to the pixel).</summary>
    private static string Describe(FrameAnalysis a) =>
        $"{a.FrameIndex}{(a.Carried ? " carried" : "")}: " + string.Join("; ", a.Objects.Select(o =>
            $"#{o.TrackId} {o.Detection.Label} {o.Detection.Box.X:F0},{o.Detection.Box.Y:F0},{o.Detection.Box.Width:F0},{o.Detection.Box.Height:F0}"));
}
