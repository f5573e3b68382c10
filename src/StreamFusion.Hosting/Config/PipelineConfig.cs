using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Media.Live;
using StreamFusion.Media.Stage;

namespace StreamFusion.Hosting.Config;

/// <summary>Per-camera queue settings: capacity and full-queue policy of every edge.</summary>
public sealed record QueueSettings(int Capacity, EdgePolicy Policy)
{
    public static readonly QueueSettings Replay = new(8, EdgePolicy.Wait);
}

/// <summary>One camera or recording: where to read, how fast, what to decode, how to queue, what to detect.</summary>
public sealed record CameraConfig(string Id, string Uri, Pacing Pacing, MediaSourceOptions Decode, QueueSettings Queues)
{
    public VisionConfig Vision { get; init; } = new();
    public AudioConfig Audio { get; init; } = new();
    /// <summary>Speech recognition of the camera's audio (off by default; turning it on turns audio on).</summary>
    public SpeechConfig Speech { get; init; } = new();
    /// <summary>Sidecar transcript for replay (.srt, .vtt, .align), joined by the fusion stage.</summary>
    public string? TranscriptFile { get; init; }
    /// <summary>How the source recovers from failures, ends and stalls (on for network sources and devices by default).</summary>
    public ReconnectPolicy Reconnect { get; init; } = ReconnectPolicy.Off;
    /// <summary>
    /// Media time is the capture time in Unix seconds (a fleet's live cameras): a camera that moves to another
    /// worker goes on with later window ids, never earlier ones again.
    /// </summary>
    public bool CaptureTimeClock { get; init; }
}

/// <summary>
/// What the cameras of one process share for vision: one ONNX Runtime session per model and settings (a set number
/// of runs at a time, so cameras do not fight over cores; on a GPU, competing cameras' frames batched), and a
/// budget of detections per second split fairly.
/// </summary>
/// <param name="MaxDetectFps">0 = no process-wide cap (each camera's detect_fps still applies)</param>
/// <param name="MaxBatch">most frames per inference run; 1 = no batching; 0 = auto (8 on a GPU, 1 on a CPU)</param>
/// <param name="BatchWait">how long a run waits for other cameras' frames; zero = batches form only under load</param>
/// <param name="ParallelRuns">runs of one session at the same time (also a camera's frames in flight); 0 = auto
/// (on a CPU, cores / vision.threads; on a GPU, 1)</param>
public sealed record InferenceConfig(bool ShareSessions = true, double MaxDetectFps = 0, int MaxBatch = 0, TimeSpan BatchWait = default, int ParallelRuns = 0);

/// <summary>A validated pipeline file (see pipelines/*.yaml for the documented settings).</summary>
public sealed record PipelineConfig(
    string? SourceFile, string? AssetDirectory, IReadOnlyList<CameraConfig> Cameras, TimeSpan StatsInterval, TimeSpan DrainTimeout)
{
    public StreamFusion.Fusion.Windows.FusionSettings Fusion { get; init; } = new();
    /// <summary>Incident snapshots under a folder; null takes none.</summary>
    public Records.EvidenceSettings? Evidence { get; init; }
    /// <summary>A JSON-lines copy of the fused records; null writes none.</summary>
    public string? RecordsFile { get; init; }
    public KafkaConfig Kafka { get; init; } = new();
    public InferenceConfig Inference { get; init; } = new();
    /// <summary>Where /metrics and /health are served; null serves none.</summary>
    public Operations.MetricsAddress? Metrics { get; init; }
    /// <summary>Utterances decoded at the same time, every camera's together (the speech budget).</summary>
    public int SpeechThreads { get; init; } = SpeechConfigReader.DefaultThreads;
    /// <summary>Fuse records even with nowhere to send them (the replay and live verbs count them).</summary>
    public bool AlwaysFuse { get; init; }
    /// <summary>Records are fused when something takes them: Kafka or the JSON-lines file.</summary>
    public bool FusesRecords => AlwaysFuse || Kafka.Enabled || RecordsFile is not null;

    public static readonly TimeSpan DefaultStatsInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(10);
}
