using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Tests.Vision;

public class DetectorTests
{
    private static List<FrameAnalysis> AnalyseVideo(string file, VisionSettings settings)
    {
        using var analyzer = VisionAnalyzer.Load(settings);
        using var source = MediaSource.Open(TestAssets.Media(file), new MediaSourceOptions { Audio = false });
        var analyses = new List<FrameAnalysis>();
        FrameAnalysis? last = null;
        while (source.ReadNext() is { } item)
        {
            using var frame = (VideoFrame)item;
            if (analyzer.Analyze(frame.Pixels.Span, frame.Width, frame.Height, frame.Pts, frame.Index) is { } analysis)
                analyses.Add(last = analysis);
        }
        analyses.Add(analyzer.Finish(last?.Pts ?? 0, 0, 0));
        return analyses;
    }

    [Fact]
    public void People_walking_in_are_detected_and_each_keeps_one_track_while_present()
    {
        var settings = new VisionSettings(VisionTestSupport.Settings() with { Classes = ["person"] }, new OnnxSettings { Device = InferenceDevice.Cpu },
            new MotionSettings(DetectFps: 2), new TrackerSettings());

        var analyses = AnalyseVideo("one-by-one-person-detection.mp4", settings);

        var people = analyses.SelectMany(a => a.Events).Where(e => e.Kind == "lost" && e.Label == "person").ToList();
        var longStays = people.Where(p => p.LastSeen - p.FirstSeen >= 5).ToList();
        Assert.True(longStays.Count >= 4, $"expected at least 4 people present for 5 s or more, got: {string.Join("; ", people.Select(p => $"#{p.TrackId} {p.FirstSeen:F1}-{p.LastSeen:F1}"))}");
        // The people come one by one: long stays of different tracks barely overlap in time.
        foreach (var (a, b) in longStays.Zip(longStays.Skip(1)))
            Assert.True(b.FirstSeen > a.FirstSeen, "tracks are reported in order of appearance");
        Assert.All(analyses.SelectMany(a => a.Objects), o => Assert.Equal("person", o.Detection.Label));
    }

    [Fact]
    public void Overhead_cars_are_detected_with_a_per_class_threshold()
    {
        var detector = VisionTestSupport.Settings() with { Classes = ["car", "truck", "bus"], ClassThresholds = new Dictionary<string, float> { ["car"] = 0.25f } };
        var settings = new VisionSettings(detector, new OnnxSettings { Device = InferenceDevice.Cpu }, MotionSettings.EveryFrame, new TrackerSettings());

        var analyses = AnalyseVideo("car-detection.mp4", settings);

        var withCar = analyses.Count(a => a.Objects.Any(o => o.Detection.Label == "car"));
        Assert.True(withCar >= 10, $"cars found in only {withCar} frames");
        Assert.All(analyses.SelectMany(a => a.Objects), o => Assert.Contains(o.Detection.Label, new[] { "car", "truck", "bus" }));
    }

    [Fact]
    public void A_wrong_model_is_rejected_naming_the_expected_input_shape()
    {
        var error = Assert.Throws<ModelException>(() => VisionTestSupport.Detector(VisionTestSupport.Settings() with { ModelPath = TestAssets.Path("models/silero_vad.onnx") }));

        Assert.Contains("silero_vad.onnx is not a YOLOX detector", error.Message);
        Assert.Contains("[1,3,416,416]", error.Message);
        Assert.Contains("state[2,?,128]", error.Message);
    }

    [Fact]
    public void A_missing_model_says_what_model_is_expected()
    {
        var error = Assert.Throws<ModelException>(() => VisionTestSupport.Detector(VisionTestSupport.Settings() with { ModelPath = "/nonexistent/detector.onnx" }));

        Assert.Contains("/nonexistent/detector.onnx", error.Message);
        Assert.Contains("[1,3,416,416]", error.Message);
    }

    [Fact]
    public void Cuda_on_a_build_without_it_is_an_error_and_auto_falls_back_to_cpu_loudly()
    {
        if (OnnxSessionFactory.AvailableProviders().Contains("CUDAExecutionProvider")) return; // a GPU build: nothing to fall back from

        var cuda = Assert.Throws<DeviceUnavailableException>(() =>
            YoloxDetector.Load(VisionTestSupport.Settings(), new OnnxSettings { Device = new InferenceDevice(DeviceKind.Cuda, 0) }));
        Assert.Contains("no CUDAExecutionProvider", cuda.Message);

        var warnings = new List<string>();
        using var auto = YoloxDetector.Load(VisionTestSupport.Settings(), new OnnxSettings { Device = InferenceDevice.Auto }, new LineLogger(warnings.Add));
        Assert.Equal("CPUExecutionProvider", auto.Provider);
        Assert.Contains(warnings, w => w.Contains("running yolox_nano.onnx on CPU"));
    }

    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0)]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData("cuda", DeviceKind.Cuda, 0)]
    [InlineData("cuda:1", DeviceKind.Cuda, 1)]
    [InlineData("tensorrt:2", DeviceKind.TensorRt, 2)]
    public void Devices_parse(string text, DeviceKind kind, int index)
    {
        Assert.True(InferenceDevice.TryParse(text, out var device));
        Assert.Equal(new InferenceDevice(kind, index), device);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cpu:1")]
    [InlineData("cuda:x")]
    public void Bad_devices_are_rejected(string text) => Assert.False(InferenceDevice.TryParse(text, out _));

    [Fact]
    public void Classes_of_interest_must_exist_in_the_label_file()
    {
        var error = Assert.Throws<ModelException>(() => VisionTestSupport.Detector(VisionTestSupport.Settings() with { Classes = ["persn"] }));
        Assert.Contains("unknown class 'persn'", error.Message);
    }
}
