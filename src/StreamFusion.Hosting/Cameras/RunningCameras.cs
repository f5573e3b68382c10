using StreamFusion.Media.Live;

namespace StreamFusion.Hosting.Cameras;

/// <summary>
/// The cameras of a run and what they share: every camera's health from the start (a live camera may still be
/// trying to connect), its pipeline once opened, the inference sessions, the record delivery and transcript input
/// once connected. Read by progress, metrics, health, the transcript input and embedding applications while
/// cameras come and go.
/// </summary>
public sealed class RunningCameras
{
    private readonly object _gate = new();
    private readonly List<CameraPipeline> _opened = [];
    private readonly Dictionary<string, CameraHealth> _health = [];

    /// <summary>The sessions and budget the cameras share (for metrics).</summary>
    public StreamFusion.Vision.Stage.InferenceSharing? Sharing { get; internal set; }

    /// <summary>The speech budget and engine pools the cameras share (for metrics).</summary>
    public StreamFusion.Speech.Pool.SpeechSharing? Speech { get; internal set; }
    /// <summary>Where the cameras' MFCC kernels run, when on a GPU.</summary>
    public StreamFusion.Audio.Features.Gpu.MfccDevices? Mfcc { get; internal set; }

    /// <summary>When this process is a fleet worker: its group membership and registry partitions.</summary>
    public Fleet.WorkerStatus? Worker { get; internal set; }

    /// <summary>Where records go, once Kafka is connected (null when the run fuses no records).</summary>
    public Records.RecordDelivery? Delivery { get; internal set; }

    /// <summary>The live transcript topic's reader, when the config names one.</summary>
    public Records.TranscriptInput? Transcripts { get; internal set; }

    /// <summary>For progress lines: what Kafka has taken so far, and what the transcript topic gave.</summary>
    public string? KafkaStatus() =>
        Delivery?.Status() is { } status ? Transcripts is { } t ? $"{status} {t.Status()}" : status : null;

    internal void Expect(string id, CameraHealth health)
    {
        lock (_gate) _health[id] = health;
    }

    /// <summary>A camera this process no longer runs (a fleet worker handed it on).</summary>
    internal void Forget(string id)
    {
        lock (_gate)
        {
            _health.Remove(id);
            _opened.RemoveAll(p => p.Camera.Id == id);
        }
    }

    internal void Opened(CameraPipeline pipeline)
    {
        lock (_gate) _opened.Add(pipeline);
    }

    public IReadOnlyList<CameraPipeline> Pipelines
    {
        get { lock (_gate) return _opened.ToList(); }
    }

    public IReadOnlyList<CameraHealth> Health
    {
        get { lock (_gate) return _health.Values.ToList(); }
    }

    public int Count
    {
        get { lock (_gate) return _health.Count; }
    }

    public CameraPipeline? Find(string id)
    {
        lock (_gate) return _opened.FirstOrDefault(p => p.Camera.Id == id);
    }
}
