using Microsoft.Extensions.Logging;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Embedding;
using StreamFusion.Inference;

namespace StreamFusion.Vision.Stage;

/// <summary>One frame's detections and, when on, their appearance embeddings; own buffers, shared sessions.</summary>
internal sealed class FrameDetector : IDisposable
{
    private readonly YoloxDetector _detector;
    private readonly AppearanceEmbedder? _embedder;
    private readonly TimeSpan _simulatedDelay;

    private FrameDetector(YoloxDetector detector, AppearanceEmbedder? embedder, TimeSpan simulatedDelay)
    {
        (_detector, _embedder, _simulatedDelay) = (detector, embedder, simulatedDelay);
    }

    public YoloxDetector Detector => _detector;

    public static FrameDetector Load(VisionSettings settings, ILogger? logger, SharedSessions sessions)
    {
        var detector = YoloxDetector.Load(settings.Detector, settings.Onnx, logger, sessions);
        try
        {
            var embedder = settings.EmbeddingModelPath is { } path ? AppearanceEmbedder.Load(path, settings.Onnx, logger, sessions) : null;
            return new FrameDetector(detector, embedder, settings.SimulatedDelay);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One detection on a blank frame: ONNX Runtime sets up its buffers on a session's first runs and .NET compiles
    /// the frame path on first use, together some 100 ms that would otherwise delay (live: drop) a camera's first frames.
    /// </summary>
    public void WarmUp()
    {
        var size = _detector.InputSize;
        _detector.Detect(new byte[size * size * 3], size, size);
    }

    public List<DetectedObject> Detect(ReadOnlySpan<byte> bgr, int width, int height)
    {
        var detections = _detector.Detect(bgr, width, height);
        if (_simulatedDelay > TimeSpan.Zero) Thread.Sleep(_simulatedDelay);
        _embedder?.Embed(bgr, width, height, detections);
        return detections;
    }

    public void Dispose()
    {
        _detector.Dispose();
        _embedder?.Dispose();
    }
}
