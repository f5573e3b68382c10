using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Vision.Onnx;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Stage;

/// <summary>Everything the vision stage needs; EmbeddingModelPath null turns appearance embeddings off.</summary>
public sealed record VisionSettings(DetectorSettings Detector, OnnxSettings Onnx, MotionSettings Motion, TrackerSettings Tracker, string? EmbeddingModelPath = null);
