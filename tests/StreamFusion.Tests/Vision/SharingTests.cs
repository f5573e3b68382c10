using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Vision.Onnx;

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
        Assert.Equal(expected, results[0]);
        Assert.Equal(expected.Where(d => d.Score >= 0.5f), results[1]);
        first.Dispose();
        Assert.Equal(1, shared.Count); // still held by the second camera
        Assert.NotEmpty(second.Detect(frame.Pixels.Span, frame.Width, frame.Height));
        second.Dispose();
        Assert.Equal(0, shared.Count);
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
