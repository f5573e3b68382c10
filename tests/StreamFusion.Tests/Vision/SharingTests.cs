using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;

namespace StreamFusion.Tests.Vision;

/// <summary>What cameras in one process share: ONNX sessions, and the detections-per-second budget.</summary>
public class SharingTests
{
    [Fact]
    public void Cameras_with_the_same_model_share_one_session_and_get_the_same_detections()
    {
        var shared = new SharedSessions();
        var onnx = new OnnxSettings { Device = InferenceDevice.Cpu };
        using var frame = VisionTestSupport.Frame("one-by-one-person-detection.mp4", 250);
        using var alone = VisionTestSupport.Detector();
        var first = YoloxDetector.Load(VisionTestSupport.Settings(), onnx, shared: shared);
        var second = YoloxDetector.Load(VisionTestSupport.Settings(0.5f), onnx, shared: shared); // own thresholds, same session
        Assert.Equal(1, shared.Count);

        var expected = alone.Detect(frame.Pixels.Span, frame.Width, frame.Height).Select(d => (d.Label, d.Score)).ToList();
        var results = new List<(string, float)>[2];
        Parallel.For(0, 2, i => results[i] = (i == 0 ? first : second).Detect(frame.Pixels.Span, frame.Width, frame.Height).Select(d => (d.Label, d.Score)).ToList());

        Assert.NotEmpty(expected);
        AssertSame(expected, results[0]);
        AssertSame(expected.Where(d => d.Score >= 0.5f).ToList(), results[1]);
        first.Dispose();
        Assert.Equal(1, shared.Count); // still held by the second camera
        Assert.NotEmpty(second.Detect(frame.Pixels.Span, frame.Width, frame.Height));
        second.Dispose();
        Assert.Equal(0, shared.Count);
    }

    /// <summary>Same objects, scores equal to float precision (a batched run may sum in another order).</summary>
    private static void AssertSame(List<(string Label, float Score)> expected, List<(string Label, float Score)> actual)
    {
        Assert.Equal(expected.Select(d => d.Label), actual.Select(d => d.Label));
        foreach (var (e, a) in expected.Zip(actual)) Assert.InRange(a.Score, e.Score - 1e-3f, e.Score + 1e-3f);
    }

    [Fact]
    public void Competing_cameras_frames_run_in_batches_with_the_same_results_as_alone()
    {
        // A generous gather window: each run waits for all four cameras, so batches form however busy the machine is.
        var shared = new SharedSessions(maxBatch: 4, gatherWindow: TimeSpan.FromMilliseconds(500));
        var onnx = new OnnxSettings { Device = InferenceDevice.Cpu };
        int[] indices = [100, 250, 500, 1100];
        var frames = indices.Select(i => VisionTestSupport.Frame("one-by-one-person-detection.mp4", i)).ToList();
        using var alone = VisionTestSupport.Detector();
        var expected = frames.Select(f => alone.Detect(f.Pixels.Span, f.Width, f.Height).Select(d => (d.Label, d.Score)).ToList()).ToList();
        var cameras = frames.Select(_ => YoloxDetector.Load(VisionTestSupport.Settings(), onnx, shared: shared)).ToList();

        var results = new List<(string, float)>[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, c =>
        {
            results[c] = new List<(string, float)>[8];
            for (var round = 0; round < 8; round++) // each camera its own frame, over and over, all at once
                results[c][round] = cameras[c].Detect(frames[c].Pixels.Span, frames[c].Width, frames[c].Height).Select(d => (d.Label, d.Score)).ToList();
        });

        for (var c = 0; c < 4; c++)
            foreach (var result in results[c]) AssertSame(expected[c], result);
        Assert.True(shared.AverageBatches["yolox_nano.onnx"] > 2, $"average batch {shared.AverageBatches["yolox_nano.onnx"]:F2}");
        foreach (var camera in cameras) camera.Dispose();
        foreach (var frame in frames) frame.Dispose();
    }

    [Fact]
    public void An_overloaded_budget_is_split_equally_and_an_idle_cameras_share_goes_to_the_busy_ones()
    {
        var now = new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);
        var budget = new DetectionBudget(20, () => now);
        var granted = new Dictionary<string, int>();
        void Run(string[] cameras, double fps, double seconds)
        {
            foreach (var camera in cameras) granted[camera] = 0;
            var step = TimeSpan.FromSeconds(1 / fps / cameras.Length);
            for (var t = 0; t < seconds * fps * cameras.Length; t++)
            {
                now += step;
                var camera = cameras[t % cameras.Length];
                if (budget.TryTake(camera)) granted[camera]++;
            }
        }

        Run(["a", "b", "c", "d"], fps: 15, seconds: 20); // 60 asked per second, 20 allowed
        Assert.All(granted.Values, n => Assert.InRange(n / 20.0, 4.5, 5.5));
        Assert.True(budget.Skipped("a") > 150);

        Run(["a"], fps: 15, seconds: 20); // the others went quiet: the busy camera gets what it asks for
        Assert.InRange(granted["a"] / 20.0, 14, 15);
    }
}
