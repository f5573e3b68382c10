namespace StreamFusion.Vision.Tracking;

/// <param name="MinIou">least overlap between a track's predicted box and a detection to associate them</param>
/// <param name="ConfirmHits">detections needed before a track is reported as new</param>
/// <param name="MaxAge">seconds a track survives without detections before it is lost</param>
/// <param name="AppearanceWeight">share of the association score from embedding similarity (when embeddings exist)</param>
public sealed record TrackerSettings(float MinIou = 0.25f, int ConfirmHits = 2, double MaxAge = 2.0, float AppearanceWeight = 0.3f);
