using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Detection;
using StreamFusion.Inference;

namespace StreamFusion.Tests.Vision;

internal static class VisionTestSupport
{
    public static DetectorSettings Settings(float threshold = 0.3f) => new()
    {
        ModelPath = TestAssets.Path("models/yolox_nano.onnx"),
        LabelsPath = TestAssets.Path("models/coco_classes.txt"),
        ScoreThreshold = threshold,
    };

    public static YoloxDetector Detector(DetectorSettings? settings = null) =>
        YoloxDetector.Load(settings ?? Settings(), new OnnxSettings { Device = InferenceDevice.Cpu });

    /// <summary>The frame at a decode-order index (the same numbering as ffmpeg -fps_mode passthrough).</summary>
    public static VideoFrame Frame(string file, int index)
    {
        using var source = MediaSource.Open(TestAssets.Media(file), new MediaSourceOptions { Audio = false, Subtitles = false });
        while (source.ReadNext() is { } item)
        {
            if (item is VideoFrame frame && frame.Index == index) return frame;
            item.Dispose();
        }
        throw new InvalidOperationException($"{file} has no frame {index}");
    }
}
