using StreamFusion.Core.Config;

namespace StreamFusion.Hosting.Config;

/// <summary>Reads an `audio:` section over defaults (the top-level section, or a camera's over the top level).</summary>
public static class AudioConfigReader
{
    public static AudioConfig Read(YamlSection? section, AudioConfig defaults)
    {
        if (section is null) return defaults;
        var config = defaults with
        {
            Enabled = section.Bool("enabled", true),
            VadModel = section.String("vad_model") ?? defaults.VadModel,
            WindowSeconds = section.Duration("window", TimeSpan.FromSeconds(defaults.WindowSeconds)).TotalSeconds,
        };
        if (section.Section("mfcc") is { } mfcc)
        {
            config = config with
            {
                Mfcc = config.Mfcc with
                {
                    SampleRate = mfcc.Int("sample_rate", config.Mfcc.SampleRate, 8000, 48000),
                    FrameLengthMs = mfcc.Number("frame_length_ms", config.Mfcc.FrameLengthMs, 5, 200),
                    FrameShiftMs = mfcc.Number("frame_shift_ms", config.Mfcc.FrameShiftMs, 1, 200),
                    PreEmphasis = (float)mfcc.Number("pre_emphasis", config.Mfcc.PreEmphasis, 0, 1),
                    MelBins = mfcc.Int("mel_bins", config.Mfcc.MelBins, 4, 128),
                    Cepstra = mfcc.Int("cepstra", config.Mfcc.Cepstra, 1, 128),
                    LowFrequency = (float)mfcc.Number("low_hz", config.Mfcc.LowFrequency, 0, 24000),
                    HighFrequency = (float)mfcc.Number("high_hz", config.Mfcc.HighFrequency, -24000, 24000),
                    Lifter = (float)mfcc.Number("lifter", config.Mfcc.Lifter, 0, 1000),
                },
            };
            config = config with { MfccDevice = mfcc.Choice("device", config.MfccDevice, MfccDevice, "auto, cpu or cuda[:N]") };
            if (config.Mfcc.Cepstra > config.Mfcc.MelBins) mfcc.Error(null, "cepstra", $"must not exceed mel_bins ({config.Mfcc.MelBins})");
            mfcc.RejectUnknownKeys();
        }
        if (section.Section("events") is { } events)
        {
            config = config with
            {
                Events = config.Events with
                {
                    ImpulseRiseDb = (float)events.Number("impulse_rise_db", config.Events.ImpulseRiseDb, 1, 100),
                    ImpulseMinDb = (float)events.Number("impulse_min_dbfs", config.Events.ImpulseMinDb, -120, 0),
                    ImpulseMinHighBand = (float)events.Number("impulse_min_high_band", config.Events.ImpulseMinHighBand, 0, 1),
                    LoudDb = (float)events.Number("loud_dbfs", config.Events.LoudDb, -120, 0),
                    LoudMinLength = events.Duration("loud_min_length", TimeSpan.FromSeconds(config.Events.LoudMinLength)).TotalSeconds,
                },
            };
            events.RejectUnknownKeys();
        }
        if (section.Section("denoise") is { } denoise)
        {
            config = config with
            {
                Denoise = config.Denoise with
                {
                    Enabled = denoise.Bool("enabled", true),
                    HighPassHz = denoise.Number("high_pass_hz", config.Denoise.HighPassHz, 0, 2000),
                    Subtraction = (float)denoise.Number("subtraction", config.Denoise.Subtraction, 0, 10),
                    Floor = (float)denoise.Number("floor", config.Denoise.Floor, 0, 1),
                },
            };
            denoise.RejectUnknownKeys();
        }
        if (section.Section("sounds") is { } sounds) config = config with { Sounds = ReadSounds(sounds, config.Sounds ?? new SoundsConfig()) };
        section.RejectUnknownKeys();
        return config;
    }

    private static SoundsConfig? ReadSounds(YamlSection section, SoundsConfig defaults)
    {
        var labels = new List<LabelReference>();
        var classes = section.NamedSections("classes").Select(c =>
        {
            var names = c.Settings.StringList("labels") ?? [];
            if (names.Count == 0) c.Settings.Error(null, "labels", "required: the AudioSet labels of this sound, e.g. [\"Gunshot, gunfire\"]");
            labels.AddRange(names.Select(l => new LabelReference(l, c.Settings.ErrorAt("labels", ""))));
            var sound = new StreamFusion.Audio.Sounds.SoundClass(c.Name, names, c.Settings.Number("threshold", 0.3, 0, 1),
                c.Settings.Duration("min_duration", TimeSpan.Zero).TotalSeconds, c.Settings.Number("weight", 0.3, 0, 1));
            c.Settings.RejectUnknownKeys();
            return sound;
        }).ToList();
        var config = defaults with
        {
            Model = section.String("model") ?? defaults.Model,
            Labels = section.String("labels") ?? defaults.Labels,
            WindowSeconds = section.Duration("window", TimeSpan.FromSeconds(defaults.WindowSeconds)).TotalSeconds,
            HopSeconds = section.Duration("hop", TimeSpan.FromSeconds(defaults.HopSeconds)).TotalSeconds,
            MinDbfs = section.Number("min_dbfs", defaults.MinDbfs, -120, 0),
            TopLabels = section.Int("top_labels", defaults.TopLabels, 1, 20),
            Embedding = section.Bool("embedding", defaults.Embedding),
            Device = section.Choice("device", defaults.Device, StreamFusion.Inference.InferenceDevice.TryParse, "auto, cpu, cuda[:N] or tensorrt[:N]"),
            Classes = classes.Count > 0 ? classes : defaults.Classes,
            ClassLabels = classes.Count > 0 ? labels : defaults.ClassLabels,
        };
        if (config.WindowSeconds is < 0.5 or > 10) section.Error(null, "window", "must be from 0.5s to 10s (the model was trained on 10 s clips)");
        if (config.HopSeconds <= 0 || config.HopSeconds > config.WindowSeconds) section.Error(null, "hop", "must be longer than 0 and at most the window");
        var enabled = section.Bool("enabled", true);
        section.RejectUnknownKeys();
        return enabled ? config : null;
    }

    /// <summary>MFCC kernels run on CUDA through ILGPU, not on TensorRT.</summary>
    private static bool MfccDevice(string text, out StreamFusion.Inference.InferenceDevice device) =>
        StreamFusion.Inference.InferenceDevice.TryParse(text, out device) && device.Kind != StreamFusion.Inference.DeviceKind.TensorRt;
}
