using StreamFusion.Core.Config;
using StreamFusion.Vision.Denoise;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Hosting.Config;

/// <summary>Reads a `vision:` section over defaults (the top-level section, or a camera's over the top level).</summary>
public static class VisionConfigReader
{
    public static VisionConfig Read(YamlSection? section, VisionConfig defaults)
    {
        if (section is null) return defaults;
        var thresholds = new Dictionary<string, float>(defaults.ClassThresholds);
        foreach (var (label, value) in section.NumberMap("class_thresholds", 0, 1, "a score")) thresholds[label] = (float)value;
        var config = defaults with
        {
            Enabled = section.Bool("enabled", true),
            Model = section.String("model") ?? defaults.Model,
            Labels = section.String("labels") ?? defaults.Labels,
            Device = section.Choice("device", defaults.Device, InferenceDevice.TryParse, "auto, cpu, cuda[:N] or tensorrt[:N]"),
            Threads = section.Int("threads", defaults.Threads, 0, 64),
            Optimization = section.Choice("optimization", defaults.Optimization, OnnxSettings.TryParseOptimization, "none, basic, extended or all"),
            Threshold = (float)section.Number("threshold", defaults.Threshold, 0, 1),
            ClassThresholds = thresholds,
            Classes = section.StringList("classes") ?? defaults.Classes,
            NmsIou = (float)section.Number("nms_iou", defaults.NmsIou, 0, 1),
            Denoise = ReadDenoise(section.Section("denoise"), defaults.Denoise),
            Preprocess = section.Choice("preprocess", defaults.Preprocess, PreprocessModes.TryParse, "auto, cpu or device"),
            Motion = ReadMotion(section, defaults.Motion),
            Tracker = ReadTracker(section.Section("tracker"), defaults.Tracker),
            SimulatedDelay = section.Duration("simulate_delay", defaults.SimulatedDelay),
        };
        if (section.Section("embedding") is { } embedding)
        {
            config = config with
            {
                Embedding = embedding.Bool("enabled", true),
                EmbeddingModel = embedding.String("model") ?? defaults.EmbeddingModel,
            };
            embedding.RejectUnknownKeys();
        }
        section.RejectUnknownKeys();
        if (config.Preprocess == PreprocessMode.Device && !PreprocessModes.OnDevice(config.Denoise.Mode))
            section.Error(null, "preprocess", $"device, but denoise mode {config.Denoise.Mode.ToString().ToLowerInvariant()} runs on the CPU only (use gaussian or none, or preprocess cpu)");
        return config;
    }

    private static DenoiseSettings ReadDenoise(YamlSection? section, DenoiseSettings defaults)
    {
        if (section is null) return defaults;
        var denoise = defaults with
        {
            Mode = section.Choice("mode", defaults.Mode, DenoiseSettings.TryParseMode, "none, gaussian, bilateral or nlmeans"),
            Kernel = section.Int("kernel", defaults.Kernel, 1, 31),
            Sigma = section.Number("sigma", defaults.Sigma, 0, 100),
            Diameter = section.Int("diameter", defaults.Diameter, 1, 31),
            SigmaColor = section.Number("sigma_color", defaults.SigmaColor, 0, 500),
            SigmaSpace = section.Number("sigma_space", defaults.SigmaSpace, 0, 500),
            Strength = (float)section.Number("strength", defaults.Strength, 0, 100),
        };
        section.RejectUnknownKeys();
        return denoise;
    }

    private static MotionSettings ReadMotion(YamlSection vision, MotionSettings defaults)
    {
        var detectFps = vision.Number("detect_fps", defaults.DetectFps, 0, 1000);
        var section = vision.Section("motion");
        if (section is null) return defaults with { DetectFps = detectFps };
        var motion = defaults with
        {
            DetectFps = detectFps,
            MotionGating = section.Bool("enabled", defaults.MotionGating),
            PixelThreshold = section.Int("pixel_threshold", defaults.PixelThreshold, 1, 255),
            MinChangedFraction = section.Number("min_changed", defaults.MinChangedFraction, 0, 1),
            MaxSkip = section.Duration("max_skip", TimeSpan.FromSeconds(defaults.MaxSkip)).TotalSeconds,
        };
        section.RejectUnknownKeys();
        return motion;
    }

    private static TrackerSettings ReadTracker(YamlSection? section, TrackerSettings defaults)
    {
        if (section is null) return defaults;
        var tracker = defaults with
        {
            MinIou = (float)section.Number("min_iou", defaults.MinIou, 0, 1),
            ConfirmHits = section.Int("confirm_hits", defaults.ConfirmHits, 1, 100),
            MaxAge = section.Duration("max_age", TimeSpan.FromSeconds(defaults.MaxAge)).TotalSeconds,
            AppearanceWeight = (float)section.Number("appearance_weight", defaults.AppearanceWeight, 0, 1),
        };
        section.RejectUnknownKeys();
        return tracker;
    }
}
