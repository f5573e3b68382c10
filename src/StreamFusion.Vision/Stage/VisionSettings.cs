using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Stage;

/// <summary>Everything the vision stage needs; EmbeddingModelPath null turns appearance embeddings off.</summary>
/// <param name="SimulatedDelay">fault injection: added to every detection, to see how a pipeline copes with a slow detector</param>
public sealed record VisionSettings(DetectorSettings Detector, OnnxSettings Onnx, MotionSettings Motion, TrackerSettings Tracker, string? EmbeddingModelPath = null,
    TimeSpan SimulatedDelay = default)
{
    /// <summary>Zones, lines and masks; none by default.</summary>
    public SceneRules Rules { get; init; } = SceneRules.None;
}
