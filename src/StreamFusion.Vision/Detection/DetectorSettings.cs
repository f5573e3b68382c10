using StreamFusion.Vision.Denoise;

namespace StreamFusion.Vision.Detection;

/// <summary>What the detector looks for and how sure it must be.</summary>
public sealed record DetectorSettings
{
    public required string ModelPath { get; init; }
    public required string LabelsPath { get; init; }
    /// <summary>Minimum objectness × class score, unless the class has its own threshold.</summary>
    public float ScoreThreshold { get; init; } = 0.3f;
    /// <summary>Per-class overrides by label, e.g. car = 0.25 for overhead views.</summary>
    public IReadOnlyDictionary<string, float> ClassThresholds { get; init; } = new Dictionary<string, float>();
    /// <summary>Labels to report; empty reports every class.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    public float NmsIou { get; init; } = 0.45f;
    public DenoiseSettings Denoise { get; init; } = DenoiseSettings.None;
}
