using StreamFusion.Media.Live;

namespace StreamFusion.Cli.Runtime;

/// <summary>
/// The cameras of a run: every camera's health from the start (a live camera may still be trying to connect), and
/// its pipeline once opened. Read by progress, metrics, health and the transcript reader while cameras come and go.
/// </summary>
public sealed class RunningCameras
{
    private readonly object _gate = new();
    private readonly List<CameraPipeline> _opened = [];
    private readonly Dictionary<string, CameraHealth> _health = [];

    /// <summary>The sessions and budget the cameras share (for metrics).</summary>
    public StreamFusion.Vision.Stage.InferenceSharing? Sharing { get; set; }

    public void Expect(string id, CameraHealth health)
    {
        lock (_gate) _health[id] = health;
    }

    public void Opened(CameraPipeline pipeline)
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
