using StreamFusion.Cli.Config;
using StreamFusion.Cli.Operations;
using StreamFusion.Cli.Output;
using StreamFusion.Core.Assets;
using StreamFusion.Core.Pipeline;

namespace StreamFusion.Cli.Runtime;

/// <summary>A pipeline run with its operations endpoint (/metrics, /health) when the config asks for one.</summary>
public static class PipelineHost
{
    public static async Task<PipelineOutcome> RunAsync(PipelineConfig config, AssetLocator assets, CancellationToken stop, RecordOutputs? records)
    {
        var running = new RunningCameras();
        await using var server = config.Metrics is { } address
            ? new OperationsServer(address, new PipelineMetrics(running, records).Registry, running)
            : null;
        if (config.Metrics is { } serving) Console.Error.WriteLine($"metrics: http://{serving}/metrics and /health");
        return await PipelineRunner.RunAsync(config, assets, stop, records: records, running: running);
    }
}
