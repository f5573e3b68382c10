using StreamFusion.Core.Assets;
using StreamFusion.Fusion.Windows;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Hosting;

/// <summary>How a host runs its pipeline config, beyond what the config file says.</summary>
public sealed class StreamFusionOptions
{
    /// <summary>Where models and media are found; default: the config's assets, then $STREAMFUSION_ASSETS, ../shared, the download cache.</summary>
    public AssetLocator? Assets { get; set; }

    /// <summary>Stop the host once every camera has ended (a replay); off keeps an embedding application serving.</summary>
    public bool StopHostWhenFinished { get; set; } = true;

    /// <summary>After a run that completed: keep the embedded broker serving until the host stops.</summary>
    public bool KeepServing { get; set; }

    /// <summary>Log the error that failed a run (off where the host's owner reports <see cref="StreamFusionRun"/>'s result itself).</summary>
    public bool LogRunFailure { get; set; } = true;

    /// <summary>Receives every frame analysis (camera id, analysis) when the config fuses no records.</summary>
    public Func<string, FrameAnalysis, ValueTask>? AnalysisSink { get; set; }

    /// <summary>Sees every fused record as it is delivered (after Kafka and the JSON-lines file took it).</summary>
    public Action<FusedRecord>? RecordObserver { get; set; }

    /// <summary>Run as a fleet worker: cameras from the registry partitions the group assigns, not from the config.</summary>
    public (Fleet.FleetConfig Config, Fleet.WorkerSettings Settings)? Fleet { get; set; }
}
