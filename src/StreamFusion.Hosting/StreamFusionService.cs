using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamFusion.Core.Stages;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Config;

namespace StreamFusion.Hosting;

/// <summary>
/// Runs the config's cameras once the host has started (so /metrics answers before the first camera opens).
/// The host's stop is the run's stop: sources stop, what is in flight drains (drain_timeout), Kafka flushes; the
/// host waits for that (<see cref="HostOptions.ShutdownTimeout"/> is set long enough by AddStreamFusion).
/// </summary>
internal sealed class StreamFusionService(IOptions<PipelineConfig> config, IOptions<StreamFusionOptions> options, RunningCameras cameras,
    StreamFusionRun run, IRunReporter reporter, ILoggerFactory logging, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RunResult result;
        try
        {
            result = !await HostStartedAsync(stoppingToken) ? new RunResult(PipelineOutcome.Drained)
                : options.Value.Fleet is var (fleet, worker) ? await new Fleet.FleetWorker(fleet, worker, options.Value, cameras, reporter, logging).RunAsync(stoppingToken)
                : await new PipelineRunner(config.Value, options.Value, cameras, reporter, logging).RunAsync(stoppingToken);
        }
        catch (Exception error)
        {
            if (options.Value.LogRunFailure) logging.CreateLogger("StreamFusion").LogError(error, "the run failed: {Error}", error.Message);
            result = new RunResult(PipelineOutcome.Aborted, Error: error);
        }
        run.Complete(result);
        if (options.Value.StopHostWhenFinished) lifetime.StopApplication();
    }

    /// <returns>false when the host stopped first</returns>
    private async Task<bool> HostStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult(true));
        await using var onStopping = stoppingToken.Register(() => started.TrySetResult(false));
        return await started.Task;
    }
}
