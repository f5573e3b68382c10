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
    public PreprocessMode Preprocess { get; init; } = PreprocessMode.Auto;
}

/// <summary>
/// Where frames are letterboxed (and Gaussian-denoised) for the detector: <c>auto</c> on the detector's GPU when it
/// runs on one and on the CPU otherwise; <c>cpu</c> always with OpenCV; <c>device</c> always with the letterbox
/// graph, on whatever the detector runs on (on a CPU, to check the graph against OpenCV). Bilateral and non-local
/// means denoising exist on the CPU only.
/// </summary>
public enum PreprocessMode { Auto, Cpu, Device }

public static class PreprocessModes
{
    public static bool TryParse(string text, out PreprocessMode mode)
    {
        mode = text.Trim().ToLowerInvariant() switch
        {
            "auto" => PreprocessMode.Auto,
            "cpu" => PreprocessMode.Cpu,
            "device" or "gpu" => PreprocessMode.Device,
            _ => (PreprocessMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    /// <summary>Whether this denoising has a device version (in the letterbox graph).</summary>
    public static bool OnDevice(DenoiseMode denoise) => denoise is DenoiseMode.None or DenoiseMode.Gaussian;
}
