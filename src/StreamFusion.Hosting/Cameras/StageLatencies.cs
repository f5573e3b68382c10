using StreamFusion.Core.Metrics;

namespace StreamFusion.Hosting.Cameras;

/// <summary>
/// A camera's latency from capture to the end of each stage: routed (out of the decode queue), vision, audio,
/// speech (recognised), fused, handed to the record delivery (publish); and from the capture of a spoken keyword's
/// end to the record that first carries it (keyword). Capture is when the item was read from the source; exported
/// as quantiles on /metrics.
/// </summary>
public sealed class StageLatencies
{
    public static readonly string[] Stages = ["route", "vision", "audio", "speech", "fuse", "publish", "keyword"];

    private readonly Dictionary<string, LatencyHistogram> _byStage = Stages.ToDictionary(s => s, _ => new LatencyHistogram());

    public LatencyHistogram this[string stage] => _byStage[stage];

    public void Record(string stage, DateTimeOffset? captured)
    {
        if (captured is { } at) _byStage[stage].Record(DateTimeOffset.UtcNow - at);
    }
}
