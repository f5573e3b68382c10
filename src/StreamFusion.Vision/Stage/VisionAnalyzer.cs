using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Embedding;
using StreamFusion.Vision.Motion;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Stage;

/// <summary>Per frame: gate (rate, motion) → detect → embed (optional) → track. Models are loaded once.</summary>
public sealed class VisionAnalyzer : IDisposable
{
    private readonly YoloxDetector _detector;
    private readonly AppearanceEmbedder? _embedder;
    private readonly MotionGate _gate;
    private readonly ObjectTracker _tracker;
    private readonly TimeSpan _simulatedDelay;
    private readonly DetectionBudget? _budget;
    private readonly string _camera;

    private VisionAnalyzer(YoloxDetector detector, AppearanceEmbedder? embedder, VisionSettings settings, DetectionBudget? budget, string camera)
    {
        _detector = detector;
        (_budget, _camera) = (budget, camera);
        _simulatedDelay = settings.SimulatedDelay;
        _embedder = embedder;
        _gate = new MotionGate(settings.Motion);
        _tracker = new ObjectTracker(settings.Tracker);
    }

    public string Provider => _detector.Provider;
    public MotionGate Gate => _gate;
    /// <summary>Frames the gate let through but the process's detection budget did not.</summary>
    public long BudgetSkipped => _budget?.Skipped(_camera) ?? 0;

    /// <param name="sharing">sessions and detection budget shared with the process's other cameras</param>
    /// <param name="camera">this camera's id, its account in the budget</param>
    public static VisionAnalyzer Load(VisionSettings settings, Action<string>? warn = null, InferenceSharing? sharing = null, string camera = "")
    {
        sharing ??= InferenceSharing.None;
        var detector = YoloxDetector.Load(settings.Detector, settings.Onnx, warn, sharing.Sessions);
        try
        {
            var embedder = settings.EmbeddingModelPath is { } path ? AppearanceEmbedder.Load(path, settings.Onnx, warn, sharing.Sessions) : null;
            return new VisionAnalyzer(detector, embedder, settings, sharing.Budget, camera);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <returns>the analysis, or null when the gate skipped the frame</returns>
    public FrameAnalysis? Analyze(ReadOnlySpan<byte> bgr, int width, int height, double pts, long frameIndex)
    {
        if (_gate.Decide(bgr, width, height, pts) != GateDecision.Analyze) return null;
        if (_budget is not null && !_budget.TryTake(_camera)) return null;
        var detections = _detector.Detect(bgr, width, height);
        if (_simulatedDelay > TimeSpan.Zero) Thread.Sleep(_simulatedDelay);
        _embedder?.Embed(bgr, width, height, detections);
        var (objects, events) = _tracker.Update(detections, pts);
        _lastObjects = objects;
        return new FrameAnalysis(frameIndex, pts, width, height, objects, events);
    }

    private IReadOnlyList<TrackedObject> _lastObjects = [];

    /// <summary>For a frame the gate skipped: the last analysis' objects at this frame's time.</summary>
    public FrameAnalysis Carry(double pts, long frameIndex, int width, int height) =>
        new(frameIndex, pts, width, height, _lastObjects, []) { Carried = true };

    public FrameAnalysis Finish(double pts, int width, int height) =>
        new(-1, pts, width, height, [], _tracker.Flush()) { EndOfStream = true };

    public void Dispose()
    {
        _detector.Dispose();
        _embedder?.Dispose();
        _gate.Dispose();
    }
}
