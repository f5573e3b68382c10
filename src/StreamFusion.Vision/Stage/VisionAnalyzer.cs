using Microsoft.Extensions.Logging;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Vision.Scene;
using StreamFusion.Inference;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Stage;

/// <summary>
/// Per frame: gate (rate, motion, the process's budget) → detect → embed (optional) → object masks → track → scene
/// rules. Gating, tracking and the rules go in frame order; detection may run on several frames at once, one <see cref="Detectors"/> each, as many as the
/// shared session runs in parallel. Models are loaded once.
/// </summary>
public sealed class VisionAnalyzer : IDisposable
{
    /// <summary>Frames in flight per camera at most, however many runs the session allows.</summary>
    private const int MaxDetectors = 8;

    private readonly FrameDetector[] _detectors;
    private readonly MotionGate _gate;
    private readonly ObjectTracker _tracker;
    private readonly DetectionBudget? _budget;
    private readonly ObjectMask _mask;
    private readonly SceneAnalyzer? _scene;
    private readonly string _camera;
    private IReadOnlyList<TrackedObject> _lastObjects = [];

    private VisionAnalyzer(FrameDetector[] detectors, VisionSettings settings, DetectionBudget? budget, string camera)
    {
        _detectors = detectors;
        (_budget, _camera) = (budget, camera);
        var rules = settings.Rules;
        _gate = new MotionGate(settings.Motion with { Masks = [.. settings.Motion.Masks, .. rules.MotionMasks.Select(m => m.Area)] });
        _tracker = new ObjectTracker(settings.Tracker);
        _mask = new ObjectMask(rules);
        _scene = rules.FollowsObjects ? new SceneAnalyzer(rules) : null;
    }

    public string Provider => _detectors[0].Detector.Provider;
    /// <summary>"cpu", or "device (provider)" where frames are letterboxed where the detector runs.</summary>
    public string Preprocessing => _detectors[0].Detector.Preprocessing;
    public MotionGate Gate => _gate;
    /// <summary>Frames that may be detected at the same time (each detector has its own buffers).</summary>
    public int Detectors => _detectors.Length;
    /// <summary>Frames the gate let through but the process's detection budget did not.</summary>
    public long BudgetSkipped => _budget?.Skipped(_camera) ?? 0;

    /// <param name="sharing">sessions and detection budget shared with the process's other cameras</param>
    /// <param name="camera">this camera's id, its account in the budget</param>
    public static VisionAnalyzer Load(VisionSettings settings, ILogger? logger = null, InferenceSharing? sharing = null, string camera = "")
    {
        sharing ??= InferenceSharing.None;
        // A camera's parallel detectors share one session even where cameras keep their own.
        var sessions = sharing.Sessions ?? new SharedSessions(maxBatch: 1);
        var detectors = new List<FrameDetector>();
        try
        {
            detectors.Add(FrameDetector.Load(settings, logger, sessions));
            var first = detectors[0].Detector;
            // With batching, a second frame in flight lets one camera fill batches and overlaps its preprocessing.
            var wanted = Math.Min(MaxDetectors, first.Batching ? Math.Max(2, first.ParallelRuns) : first.ParallelRuns);
            while (detectors.Count < wanted) detectors.Add(FrameDetector.Load(settings, logger, sessions));
            foreach (var detector in detectors) detector.WarmUp();
            return new VisionAnalyzer([.. detectors], settings, sharing.Budget, camera);
        }
        catch
        {
            foreach (var detector in detectors) detector.Dispose();
            throw;
        }
    }

    /// <summary>In frame order: whether this frame gets detected (the motion gate and the budget let it).</summary>
    public bool Admit(ReadOnlySpan<byte> bgr, int width, int height, double pts) =>
        _gate.Decide(bgr, width, height, pts) == GateDecision.Analyze && (_budget is null || _budget.TryTake(_camera));

    /// <summary>Keeps each window's most telling frame for incident snapshots; null: none kept.</summary>
    public Evidence.FrameKeeper? Keeper { get; set; }

    /// <summary>Detections in one frame with the given detector; detectors may run at the same time, each one frame at a time.</summary>
    public List<DetectedObject> Detect(int detector, ReadOnlySpan<byte> bgr, int width, int height, double pts = 0)
    {
        var detections = _detectors[detector].Detect(bgr, width, height);
        Keeper?.Offer(pts, bgr, width, height, _mask.Filter(detections, width, height));
        return detections;
    }

    /// <summary>In frame order: a detected frame's objects through the tracker.</summary>
    public FrameAnalysis Track(List<DetectedObject> detections, double pts, long frameIndex, int width, int height)
    {
        var (objects, events) = _tracker.Update(_mask.Filter(detections, width, height), pts);
        _lastObjects = objects;
        Keeper?.Tracked(pts, objects);
        return new FrameAnalysis(frameIndex, pts, width, height, objects, events) { Scene = _scene?.Update(pts, objects, width, height, analysed: true) };
    }

    /// <summary>One frame start to end on the caller's thread; null when the gate or budget skipped it.</summary>
    public FrameAnalysis? Analyze(ReadOnlySpan<byte> bgr, int width, int height, double pts, long frameIndex) =>
        Admit(bgr, width, height, pts) ? Track(Detect(0, bgr, width, height, pts), pts, frameIndex, width, height) : null;

    /// <summary>In frame order, for a frame not detected: the last analysis' objects at this frame's time.</summary>
    public FrameAnalysis Carry(double pts, long frameIndex, int width, int height) =>
        new(frameIndex, pts, width, height, _lastObjects, []) { Carried = true, Scene = _scene?.Update(pts, _lastObjects, width, height, analysed: false) };

    public FrameAnalysis Finish(double pts, int width, int height) =>
        new(-1, pts, width, height, [], _tracker.Flush()) { EndOfStream = true, Scene = _scene?.Finish(pts) };

    public void Dispose()
    {
        foreach (var detector in _detectors) detector.Dispose();
        _gate.Dispose();
    }
}
