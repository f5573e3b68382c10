using System.Text.RegularExpressions;
using StreamFusion.Core.Config;
using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Media.Stage;
using StreamFusion.Speech;

namespace StreamFusion.Hosting.Config;

/// <summary>Reads and validates a pipeline YAML file; every problem is reported with file, line and key.</summary>
public static partial class PipelineConfigLoader
{
    public const int SupportedVersion = 1;

    public static PipelineConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException([new ConfigError(path, 0, 0, "(file)", "no such file")]);
        using var reader = File.OpenText(path);
        return Parse(path, reader);
    }

    public static PipelineConfig Parse(string file, TextReader text)
    {
        var root = YamlSection.Load(file, text);
        root.Choice("version", SupportedVersion, (string text, out int value) => int.TryParse(text, out value) && value == SupportedVersion,
            $"{SupportedVersion}, the config version this build reads");
        var assets = root.String("assets");
        if (assets is not null && !Path.IsPathRooted(assets))
            assets = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", assets));
        var statsInterval = root.Duration("stats_interval", PipelineConfig.DefaultStatsInterval);
        var drainTimeout = root.Duration("drain_timeout", PipelineConfig.DefaultDrainTimeout);
        var decodeDefaults = ReadDecode(root.Section("decode"), new MediaSourceOptions());
        var queueDefaults = ReadQueues(root.Section("queues"), QueueSettings.Replay);
        var visionDefaults = VisionConfigReader.Read(root.Section("vision"), new VisionConfig());
        var rulesDefaults = RulesConfigReader.ReadFrom(root, "rules", RulesConfig.None);
        var audioDefaults = AudioConfigReader.Read(root.Section("audio"), new AudioConfig());
        var reconnectDefaults = ReadReconnect(root.Section("reconnect"), new ReconnectSettings());
        var speechThreads = SpeechConfigReader.DefaultThreads;
        var speechDefaults = SpeechConfigReader.Read(root.Section("speech"), new SpeechConfig(), threads => speechThreads = threads);
        var speechSections = new List<YamlSection?>();

        var cameras = new List<CameraConfig>();
        var cameraSections = root.Sections("cameras");
        if (cameraSections.Count == 0 && !root.Errors.Any(e => e.Key == "cameras"))
            root.Error(null, "cameras", "required: a list with at least one camera (id, uri)");
        foreach (var camera in cameraSections)
        {
            var id = camera.String("id", required: true) ?? "";
            if (id.Length > 0 && !CameraIdPattern().IsMatch(id))
                camera.Error(null, "id", $"'{id}' must be letters, digits, '-', '_' or '.' (it becomes a Kafka key and metric label)");
            else if (cameras.Any(c => c.Id == id))
                camera.Error(null, "id", $"duplicate camera id '{id}'");
            var uri = camera.String("uri", required: true) ?? "";
            var pacing = camera.Choice("pace", Pacing.AsFastAsPossible, Pacing.TryParse, "'fast', 'realtime' or a speed such as 2x");
            var decode = ReadDecode(camera.Section("decode"), decodeDefaults);
            var queues = ReadQueues(camera.Section("queues"), queueDefaults);
            var vision = VisionConfigReader.Read(camera.Section("vision"), visionDefaults) with { Rules = RulesConfigReader.ReadFrom(camera, "rules", rulesDefaults) };
            if (!vision.Rules.Rules.IsEmpty && !vision.Enabled)
            {
                // Zones and lines follow detections: rules turn vision on, unless it was turned off on purpose.
                if ((camera.Section("vision") ?? root.Section("vision")) is { } visionSection && visionSection.Has("enabled"))
                    visionSection.Error(null, "enabled", "scene rules need vision (detections to follow): remove the rules or turn vision on");
                vision = vision with { Enabled = true };
            }
            var audio = AudioConfigReader.Read(camera.Section("audio"), audioDefaults);
            var transcript = camera.String("transcript");
            var reconnect = ReadReconnect(camera.Section("reconnect"), reconnectDefaults);
            var speech = SpeechConfigReader.Read(camera.Section("speech"), speechDefaults);
            speechSections.Add(camera.Section("speech") ?? root.Section("speech"));
            camera.RejectUnknownKeys();
            if (speech.Enabled)
            {
                audio = audio with { Enabled = true }; // speech is heard through the audio stage's voice activity
                var audioSection = camera.Section("audio") ?? root.Section("audio") ?? camera;
                if (audio.Mfcc.SampleRate != ISpeechEngine.SampleRate && !root.Errors.Any(e => e.Key == $"{audioSection.Path}.mfcc.sample_rate"))
                    audioSection.Error(null, "mfcc.sample_rate", $"speech recognition needs {ISpeechEngine.SampleRate} Hz audio");
            }
            if (audio.Sounds is not null && audio.Mfcc.SampleRate is not (16000 or 32000))
                (camera.Section("audio") ?? root.Section("audio") ?? camera).Error(null, "mfcc.sample_rate", "the sound tagger needs audio at 16 or 32 kHz");
            // Audio analysis fixes the rate the decoder resamples to.
            if (audio.Enabled) decode = decode with { AudioSampleRate = audio.Mfcc.SampleRate };
            cameras.Add(new CameraConfig(id, uri, pacing, decode, queues)
            {
                Vision = vision, Audio = audio, Speech = speech, TranscriptFile = transcript, Reconnect = reconnect.For(uri),
            });
        }
        var fusion = FusionConfigReader.Read(root.Section("fusion"));
        foreach (var zone in fusion.RequiredZones.Where(z => !cameras.Any(c => c.Vision.Rules.Rules.Zones.Any(r => r.Name == z))))
            root.Section("fusion")!.Error(null, "required_zones", $"'{zone}' is a zone of no camera");
        foreach (var (camera, section) in cameras.Zip(speechSections).DistinctBy(c => c.Second)) SpeechConfigReader.CheckAgainst(section, camera.Speech, fusion.Keywords);
        string? records = null;
        if (root.Section("output") is { } output)
        {
            records = output.String("jsonl");
            if (records is not null && !Path.IsPathRooted(records))
                records = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", records));
            output.RejectUnknownKeys();
        }
        Records.EvidenceSettings? evidence = null;
        if (root.Section("evidence") is { } evidenceSection)
        {
            var folder = evidenceSection.String("dir", required: true) ?? "";
            if (folder.Length > 0 && !Path.IsPathRooted(folder)) folder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", folder));
            var snapshot = evidenceSection.Section("snapshot");
            evidence = new Records.EvidenceSettings(folder, snapshot?.Int("max_width", 0, 0, 16384) ?? 0, snapshot?.Int("quality", 85, 1, 100) ?? 85,
                ReadClips(evidenceSection.Section("clip")), ReadRetention(evidenceSection.Section("retain")))
            {
                CleanCopy = snapshot?.Bool("clean", false) ?? false,
                Crops = snapshot?.Bool("crops", false) ?? false,
            };
            snapshot?.RejectUnknownKeys();
            evidenceSection.RejectUnknownKeys();
        }
        var kafka = KafkaConfigReader.Read(root.Section("kafka"), file);
        var inference = new InferenceConfig();
        if (root.Section("inference") is { } inferenceSection)
        {
            inference = new InferenceConfig(inferenceSection.Bool("share_sessions", inference.ShareSessions),
                inferenceSection.Number("max_detect_fps", inference.MaxDetectFps, 0, 100_000),
                inferenceSection.Int("max_batch", inference.MaxBatch, 0, 64),
                inferenceSection.Duration("batch_wait", inference.BatchWait),
                inferenceSection.Int("parallel_runs", inference.ParallelRuns, 0, 64));
            inferenceSection.RejectUnknownKeys();
        }
        Operations.MetricsAddress? metrics = null;
        if (root.Section("metrics") is { } metricsSection)
        {
            if (metricsSection.String("listen") is { Length: > 0 } listen)
            {
                try
                {
                    metrics = Operations.MetricsAddress.Parse(listen);
                }
                catch (ArgumentException e)
                {
                    metricsSection.Error(null, "listen", e.Message);
                }
            }
            metricsSection.RejectUnknownKeys();
        }
        root.RejectUnknownKeys();
        if (root.Errors.Count > 0) throw new ConfigException(root.Errors);
        return new PipelineConfig(Path.GetFullPath(file), assets, cameras, statsInterval, drainTimeout) 
        {
            Fusion = fusion, RecordsFile = records, Kafka = kafka, Evidence = evidence, Metrics = metrics, Inference = inference, SpeechThreads = speechThreads,
        };
    }

    private static MediaSourceOptions ReadDecode(YamlSection? section, MediaSourceOptions defaults)
    {
        if (section is null) return defaults;
        var options = new Dictionary<string, string>(defaults.FfmpegOptions);
        foreach (var (key, value) in section.StringMap("ffmpeg_options")) options[key] = value;
        var decode = defaults with
        {
            VideoWidth = section.Int("width", defaults.VideoWidth, 0, 8192),
            VideoHeight = section.Int("height", defaults.VideoHeight, 0, 8192),
            AudioSampleRate = section.Int("audio_rate", defaults.AudioSampleRate, 8000, 192000),
            Video = section.Bool("video", defaults.Video),
            Audio = section.Bool("audio", defaults.Audio),
            Subtitles = section.Bool("subtitles", defaults.Subtitles),
            OpenTimeout = section.Has("open_timeout") ? section.Duration("open_timeout", TimeSpan.Zero) : defaults.OpenTimeout,
            ReadTimeout = section.Has("read_timeout") ? section.Duration("read_timeout", TimeSpan.Zero) : defaults.ReadTimeout,
            RtspTransport = section.Choice("rtsp_transport", defaults.RtspTransport, TryParseTransport, "'tcp' or 'udp'"),
            Format = section.String("format") ?? defaults.Format,
            DecoderThreads = section.Int("threads", defaults.DecoderThreads, 0, 64),
            FfmpegOptions = options,
        };
        section.RejectUnknownKeys();
        return decode;
    }

    /// <summary>`evidence.retain`: days and/or max_mb.</summary>
    private static Records.RetentionSettings? ReadRetention(YamlSection? section)
    {
        if (section is null) return null;
        var days = section.Has("days") ? section.Number("days", 0, 0.001, 36500) : (double?)null;
        var megabytes = section.Has("max_mb") ? section.Number("max_mb", 0, 1, 1L << 30) : (double?)null;
        if (days is null && megabytes is null) section.Error(null, "days", "retain needs days, max_mb or both");
        section.RejectUnknownKeys();
        return new Records.RetentionSettings(days is { } d ? TimeSpan.FromDays(d) : null, megabytes is { } mb ? (long)(mb * (1 << 20)) : null);
    }

    /// <summary>`evidence.clip`: on unless `enabled: false`; pre_roll, post_roll, max_length.</summary>
    private static Records.ClipSettings? ReadClips(YamlSection? section)
    {
        var defaults = new Records.ClipSettings();
        if (section is null) return defaults;
        var enabled = section.Bool("enabled", true);
        var clips = new Records.ClipSettings
        {
            PreRoll = section.Duration("pre_roll", defaults.PreRoll),
            PostRoll = section.Duration("post_roll", defaults.PostRoll),
            MaxLength = section.Duration("max_length", defaults.MaxLength),
        };
        if (clips.PreRoll < TimeSpan.Zero || clips.PreRoll > TimeSpan.FromMinutes(5)) section.Error(null, "pre_roll", "must be from 0 to 5m");
        if (clips.PostRoll < TimeSpan.Zero) section.Error(null, "post_roll", "must not be negative");
        if (clips.MaxLength < TimeSpan.FromSeconds(5)) section.Error(null, "max_length", "must be at least 5s");
        section.RejectUnknownKeys();
        return enabled ? clips : null;
    }

    private static ReconnectSettings ReadReconnect(YamlSection? section, ReconnectSettings defaults)
    {
        if (section is null) return defaults;
        var policy = defaults.Policy;
        var settings = new ReconnectSettings(
            section.Choice("enabled", defaults.Enabled, TryParseAuto, "auto, true or false"),
            policy with
            {
                Initial = section.Duration("initial", policy.Initial),
                Max = section.Duration("max", policy.Max),
                Multiplier = section.Number("multiplier", policy.Multiplier, 1, 10),
                Jitter = section.Number("jitter", policy.Jitter, 0, 1),
                MaxAttempts = section.Int("max_attempts", policy.MaxAttempts, 0, int.MaxValue),
                StallTimeout = section.Duration("stall_timeout", policy.StallTimeoutOrDefault),
                Finite = section.Bool("finite", policy.Finite),
            });
        if (settings.Policy.Initial <= TimeSpan.Zero) section.Error(null, "initial", "must be longer than 0");
        if (settings.Policy.Max < settings.Policy.Initial) section.Error(null, "max", "must not be shorter than initial");
        section.RejectUnknownKeys();
        return settings;
    }

    private static bool TryParseAuto(string text, out bool? enabled)
    {
        enabled = null;
        switch (text.Trim().ToLowerInvariant())
        {
            case "auto": return true;
            case "true": enabled = true; return true;
            case "false": enabled = false; return true;
            default: return false;
        }
    }

    private static QueueSettings ReadQueues(YamlSection? section, QueueSettings defaults)
    {
        if (section is null) return defaults;
        var queues = new QueueSettings(
            section.Int("capacity", defaults.Capacity, 1, 10000),
            section.Choice("policy", defaults.Policy, EdgePolicyNames.TryParse, "'wait' or 'drop-oldest'"));
        section.RejectUnknownKeys();
        return queues;
    }

    private static bool TryParseTransport(string text, out string transport)
    {
        transport = text.Trim().ToLowerInvariant();
        return transport is "tcp" or "udp";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex CameraIdPattern();
}
