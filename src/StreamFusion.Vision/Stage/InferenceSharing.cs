using StreamFusion.Vision.Motion;
using StreamFusion.Inference;

namespace StreamFusion.Vision.Stage;

/// <summary>What the cameras of one process share for vision: model sessions, and the detections-per-second budget.</summary>
public sealed record InferenceSharing(SharedSessions? Sessions, DetectionBudget? Budget)
{
    public static readonly InferenceSharing None = new(null, null);
}
