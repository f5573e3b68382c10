using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Stage;

/// <summary>What the vision stage saw in one analysed frame (PTS on the media clock).</summary>
public sealed record FrameAnalysis(long FrameIndex, double Pts, int Width, int Height, IReadOnlyList<TrackedObject> Objects, IReadOnlyList<TrackEvent> Events)
{
    /// <summary>True for the record that closes the stream: it carries the final "lost" events and no objects.</summary>
    public bool EndOfStream { get; init; }

    /// <summary>
    /// True for a frame the motion gate skipped: nothing changed, so it carries the last analysis' objects forward.
    /// It keeps windows' objects and the fusion stage's clock moving without running the detector.
    /// </summary>
    public bool Carried { get; init; }

    /// <summary>What the scene rules made of this frame; null without zones or lines.</summary>
    public SceneFrame? Scene { get; init; }
}
