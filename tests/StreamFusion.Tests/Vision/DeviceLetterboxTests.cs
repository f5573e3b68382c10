using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using StreamFusion.Hosting.Config;
using StreamFusion.Inference;
using StreamFusion.Inference.Preprocessing;
using StreamFusion.Vision.Denoise;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Tests.Vision;

/// <summary>
/// The letterbox graph (the GPU route: frames uploaded as bytes, letterboxed where the detector runs, its input left
/// there) checked here on ONNX Runtime's CPU provider against the OpenCV letterbox, pixel by pixel and by detections.
/// </summary>
public class DeviceLetterboxTests
{
    private const int Size = 416;

    public static TheoryData<string, int, int, string> Frames => new()
    {
        { "one-by-one-person-detection.mp4", 250, 0, "none" },      // 768x432: 233 rows, the truncation case
        { "vtest_480x360.avi", 100, 0, "none" },                     // 480x360 down to 416x312
        { "vtest_480x360.avi", 100, 200, "none" },                   // 200x150 scaled up
        { "one-by-one-person-detection.mp4", 250, 0, "gaussian" },
        { "vtest_480x360.avi", 100, 0, "gaussian" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public unsafe void The_graph_gives_the_OpenCV_letterbox_image_within_one_level(string file, int index, int scaledWidth, string denoise)
    {
        var (pixels, width, height) = FramePixels(file, index, scaledWidth);
        DenoiseSettings.TryParseMode(denoise, out var mode);
        var settings = new DenoiseSettings(mode);
        var expected = GC.AllocateArray<float>(3 * Size * Size, pinned: true);
        using (var cpu = new LetterboxInput((float*)Marshal.UnsafeAddrOfPinnedArrayElement(expected, 0), Size, settings))
            cpu.Fill(pixels, width, height);

        var spec = mode == DenoiseMode.Gaussian ? new LetterboxSpec(BlurKernel: settings.Kernel) : new LetterboxSpec();
        var actual = RunGraph(spec, pixels, width, height);

        var image = LetterboxSpec.Fit(width, height, Size);
        var differences = expected.Zip(actual, (e, a) => Math.Abs(e - a)).ToArray();
        var offByOne = differences.Count(d => d > 0.5f) / (double)differences.Length;
        // OpenCV computes in fixed point (11-bit weights), so values near a half level round the other way.
        Assert.True(differences.Max() <= 1, $"largest difference {differences.Max()} levels");
        Assert.True(offByOne < 0.12, $"{offByOne:P1} of values differ by one level");
        // The padding is exact: right of and below the scaled image, 114 everywhere.
        Assert.Equal(114f, actual[Size * Size - 1]);
        Assert.Equal(114f, actual[(image.Height - 1) * Size + image.Width]);
        Assert.NotEqual(114f, actual[(image.Height - 1) * Size + image.Width - 1]);
    }

    [Theory]
    [InlineData("one-by-one-person-detection.mp4", 250)]
    [InlineData("one-by-one-person-detection.mp4", 800)]
    [InlineData("vtest_480x360.avi", 100)]
    public void A_detector_letterboxing_on_its_device_finds_what_the_OpenCV_path_finds(string file, int index)
    {
        using var frame = VisionTestSupport.Frame(file, index);
        using var cpu = VisionTestSupport.Detector(VisionTestSupport.Settings() with { Preprocess = PreprocessMode.Cpu });
        using var device = VisionTestSupport.Detector(VisionTestSupport.Settings() with { Preprocess = PreprocessMode.Device });
        Assert.Equal("cpu", cpu.Preprocessing);
        Assert.Equal("device (CPUExecutionProvider)", device.Preprocessing);

        var expected = cpu.Detect(frame.Pixels.Span, frame.Width, frame.Height);
        var actual = device.Detect(frame.Pixels.Span, frame.Width, frame.Height);

        Assert.NotEmpty(expected);
        AssertSameDetections(expected, actual);
    }

    [Fact]
    public void On_auto_a_detector_on_the_CPU_letterboxes_with_OpenCV()
    {
        using var detector = VisionTestSupport.Detector(VisionTestSupport.Settings() with { Preprocess = PreprocessMode.Auto });
        Assert.Equal("cpu", detector.Preprocessing);
        using var bilateral = VisionTestSupport.Detector(VisionTestSupport.Settings() with { Denoise = new DenoiseSettings(DenoiseMode.Bilateral) });
        Assert.Equal("cpu", bilateral.Preprocessing);
    }

    [Fact]
    public void Cameras_letterboxing_on_the_device_batch_frames_of_one_size_together_with_the_same_detections()
    {
        var sizes = new[] { 0, 0, 0, 200 }; // three 480x360 cameras and one 200x150
        var frames = sizes.Select((scaled, i) => FramePixels("vtest_480x360.avi", 100 + 10 * i, scaled)).ToArray();
        var settings = VisionTestSupport.Settings() with { Preprocess = PreprocessMode.Device };
        var onnx = new OnnxSettings { Device = InferenceDevice.Cpu };
        var alone = frames.Select(f =>
        {
            using var detector = VisionTestSupport.Detector(settings);
            return detector.Detect(f.Pixels, f.Width, f.Height);
        }).ToArray();

        var shared = new SharedSessions(maxBatch: 4, gatherWindow: TimeSpan.FromSeconds(2));
        var detectors = frames.Select(_ => YoloxDetector.Load(settings, onnx, shared: shared)).ToArray();
        try
        {
            Assert.All(detectors, d => Assert.True(d.Batching));
            var together = new List<DetectedObject>[frames.Length];
            var cameras = Enumerable.Range(0, frames.Length)
                .Select(i => new Thread(() => together[i] = detectors[i].Detect(frames[i].Pixels, frames[i].Width, frames[i].Height))).ToList();
            cameras.ForEach(t => t.Start());
            cameras.ForEach(t => t.Join());

            for (var i = 0; i < frames.Length; i++) AssertSameDetections(alone[i], together[i]);
            // The three same-size frames in one run (the gather window waits for them), the small one in its own.
            var average = Assert.Single(shared.AverageBatches).Value;
            Assert.Equal(2.0, average);
        }
        finally
        {
            foreach (var detector in detectors) detector.Dispose();
        }
    }

    [Fact]
    public void Device_preprocessing_with_a_CPU_only_denoiser_is_a_config_error()
    {
        var error = Assert.Throws<StreamFusion.Core.Config.ConfigException>(() => PipelineConfigLoader.Parse("test.yaml", new StringReader("""
            vision:
              preprocess: device
              denoise: { mode: bilateral }
            cameras: [{ id: a, uri: a.mp4 }]
            """)));
        Assert.Contains("preprocess: device, but denoise mode bilateral runs on the CPU only", error.Message);
        Assert.Equal(PreprocessMode.Device, PipelineConfigLoader.Parse("test.yaml", new StringReader("""
            vision: { preprocess: gpu, denoise: { mode: gaussian } }
            cameras: [{ id: a, uri: a.mp4 }]
            """)).Cameras[0].Vision.Preprocess);
    }

    private static float[] RunGraph(LetterboxSpec spec, byte[] pixels, int width, int height)
    {
        using var session = new InferenceSession(LetterboxGraph.Build(spec, Size));
        var (resizeSizes, padSizes) = (new long[4], new long[8]);
        LetterboxGraph.Sizes(1, width, height, Size, resizeSizes, padSizes);
        using var frames = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(), [1, height, width, 3]);
        using var resizeTo = OrtValue.CreateTensorValueFromMemory(resizeSizes, [4]);
        using var padTo = OrtValue.CreateTensorValueFromMemory(padSizes, [8]);
        using var outputs = session.Run(new RunOptions(), [LetterboxGraph.Frames, LetterboxGraph.ResizeTo, LetterboxGraph.PadTo], [frames, resizeTo, padTo], [LetterboxGraph.Image]);
        Assert.Equal([1L, 3, Size, Size], outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal(TensorElementType.Float, outputs[0].GetTensorTypeAndShape().ElementDataType);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>A decoded frame's BGR bytes, or the frame scaled to <paramref name="scaledWidth"/> (keeping its aspect) when not 0.</summary>
    private static (byte[] Pixels, int Width, int Height) FramePixels(string file, int index, int scaledWidth)
    {
        using var frame = VisionTestSupport.Frame(file, index);
        if (scaledWidth == 0) return (frame.Pixels.ToArray(), frame.Width, frame.Height);
        using var original = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels.ToArray());
        using var scaled = new Mat();
        Cv2.Resize(original, scaled, new OpenCvSharp.Size(scaledWidth, scaledWidth * frame.Height / frame.Width), 0, 0, InterpolationFlags.Area);
        var bytes = new byte[scaled.Total() * 3];
        Marshal.Copy(scaled.Data, bytes, 0, bytes.Length);
        return (bytes, scaled.Width, scaled.Height);
    }

    /// <summary>
    /// The two images differ by a level here and there, so each path's objects are the other's with nearly equal
    /// scores and boxes; only an object within <see cref="Margin"/> of the threshold may be found by one path alone.
    /// </summary>
    private static void AssertSameDetections(List<DetectedObject> expected, List<DetectedObject> actual)
    {
        AssertFound(expected, actual);
        AssertFound(actual, expected);
    }

    private const float Margin = 0.05f;

    private static void AssertFound(List<DetectedObject> these, List<DetectedObject> among)
    {
        var threshold = VisionTestSupport.Settings().ScoreThreshold;
        foreach (var d in these.Where(d => d.Score >= threshold + Margin))
        {
            var match = among.Where(o => o.Label == d.Label).MaxBy(o => o.Box.IntersectionOverUnion(d.Box));
            Assert.True(match is not null && match.Box.IntersectionOverUnion(d.Box) > 0.9, $"{d.Label} {d.Score:F3} at {d.Box}: not found by the other path");
            Assert.InRange(match.Score, d.Score - 0.03f, d.Score + 0.03f);
        }
        Assert.True(these.Count(d => d.Score >= threshold + Margin) >= these.Count / 2, "most objects well above the threshold");
    }
}
