using StreamFusion.Fusion.Transcripts;

namespace StreamFusion.Fusion.Windows;

/// <summary>
/// How windows are scored. Each cue contributes weight × strength (0..1) and the fused score is the noisy-or
/// 1 − Π(1 − contribution): any one strong cue raises it, several together raise it further.
/// </summary>
public sealed record FusionSettings
{
    public double WindowSeconds { get; init; } = 1.0;
    /// <summary>
    /// How far (media seconds) the fastest modality may run ahead before a window is closed without the slowest:
    /// a stalled audio track on a live camera must not hold every window back.
    /// </summary>
    public double MaxLateness { get; init; } = 3.0;
    /// <summary>
    /// Media seconds a window is held open for transcript segments from a live speech-to-text service (0 when the
    /// transcript is known up front). A segment later than that revises the windows it covers as a correction.
    /// </summary>
    public double TranscriptLateness { get; init; }
    /// <summary>
    /// With the camera's own speech recognition: how far (media seconds) audio may move past a window while speech
    /// over it is still being heard or decoded before the window is closed without its words (they follow as a
    /// correction). Only windows with speech pending wait.
    /// </summary>
    public double SpeechLateness { get; init; } = 5.0;
    /// <summary>The longest a window can be held open past its end (media seconds): its frames must be kept that long for evidence.</summary>
    public double HoldSeconds => MaxLateness + Math.Max(TranscriptLateness, SpeechLateness);

    /// <summary>How far back (media seconds) emitted windows can still be corrected.</summary>
    public double CorrectionHorizon { get; init; } = 60;
    /// <summary>Per object label: how much its presence weighs (by its best detection score).</summary>
    public IReadOnlyDictionary<string, double> ObjectWeights { get; init; } = new Dictionary<string, double> { ["person"] = 0.35 };
    public double SpeechWeight { get; init; } = 0.25;
    public double KeywordWeight { get; init; } = 0.5;
    public double ImpulseWeight { get; init; } = 0.45;
    public double LoudWeight { get; init; } = 0.35;
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public Redaction Redaction { get; init; } = Redaction.None;
    /// <summary>Windows at or above this fused score form incidents.</summary>
    public double IncidentThreshold { get; init; } = 0.5;
    /// <summary>
    /// Zones an incident needs: on a camera with any of them, a window opens or keeps an incident only when an object
    /// is in one of them (or something happened there). Cameras with none of them are not affected.
    /// </summary>
    public IReadOnlyList<string> RequiredZones { get; init; } = [];
    public double LowSeverity { get; init; } = 0.3;
    public double MediumSeverity { get; init; } = 0.5;
    public double HighSeverity { get; init; } = 0.75;
}
