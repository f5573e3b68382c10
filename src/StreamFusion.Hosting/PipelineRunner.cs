using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StreamFusion.Core.Logging;
using StreamFusion.Core.Stages;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Records;
using StreamFusion.Media;

namespace StreamFusion.Hosting;

/// <summary>
/// Runs every camera of a pipeline config concurrently until the sources end or a stop, then delivers what is
/// left. Every camera is opened first, so a bad input or model fails the run before anything starts; a live camera
/// that cannot be reached yet keeps trying in the background while the others run. Once running, a camera that
/// fails does not stop the others: its error is logged and is the run's result when they are done.
/// </summary>
internal sealed class PipelineRunner(PipelineConfig config, StreamFusionOptions options, RunningCameras running, IRunReporter reporter, ILoggerFactory logging)
{
    private readonly ILogger _logger = logging.CreateLogger("StreamFusion");

    public async Task<RunResult> RunAsync(CancellationToken stop)
    {
        await using var resources = new RunResources(config, options, running, _logger);
        var (context, delivery) = (resources.Context, resources.Delivery);
        var supervisors = config.Cameras.Select(camera => new CameraSupervisor(camera, context, _logger.ForCamera(camera.Id))).ToList();
        foreach (var (camera, supervisor) in config.Cameras.Zip(supervisors))
        {
            running.Expect(camera.Id, supervisor.Health);
            delivery?.CameraStatus?.Watch(supervisor.Health);
        }
        var opening = supervisors.Select(s => s.FirstOpenAsync(stop)).ToList();
        try
        {
            await Task.WhenAll(opening);
        }
        catch (MediaAbortedException) when (stop.IsCancellationRequested)
        {
            DisposeOpened(opening);
            return new RunResult(PipelineOutcome.Drained);
        }
        catch
        {
            DisposeOpened(opening);
            throw;
        }
        delivery?.Start();
        running.Delivery = delivery;
        using var transcripts = delivery?.Endpoint is { } endpoint ? TranscriptInput.Start(config.Kafka, endpoint, running, _logger) : null;
        running.Transcripts = transcripts;
        var outcome = await RunCamerasAsync(supervisors, opening, stop);
        var summary = delivery is null ? null : await delivery.FinishAsync(interrupted: outcome != PipelineOutcome.Completed);
        reporter.DeliveryFinished(summary, transcripts);
        if (options.KeepServing && outcome == PipelineOutcome.Completed && delivery is not null) await delivery.ServeUntilStoppedAsync(stop);
        return new RunResult(outcome, summary);
    }

    private async Task<PipelineOutcome> RunCamerasAsync(List<CameraSupervisor> supervisors, List<Task<CameraPipeline?>> opening, CancellationToken stop)
    {
        var opened = new List<CameraPipeline>();
        var failures = new List<Exception>();
        var clock = Stopwatch.StartNew();
        using var finished = new CancellationTokenSource();
        var watching = reporter.WatchAsync(running, config.StatsInterval, finished.Token);
        try
        {
            var runs = config.Cameras.Select(async (camera, i) =>
            {
                var pipeline = opening[i].Result ?? await supervisors[i].OpenWhenReachableAsync(stop);
                if (pipeline is null) return PipelineOutcome.Drained;
                lock (opened) opened.Add(pipeline);
                running.Opened(pipeline);
                try
                {
                    var outcome = await pipeline.RunAsync(stop, config.DrainTimeout);
                    reporter.CameraFinished(pipeline, outcome, clock.Elapsed);
                    pipeline.ThrowIfInputTruncated();
                    return outcome;
                }
                catch (Exception error) when (config.Cameras.Count > 1)
                {
                    // The other cameras go on; the error is the run's result once they are done.
                    _logger.ForCamera(camera.Id).LogError("stopped by an error: {Error}", error.Message);
                    lock (failures) failures.Add(error);
                    return PipelineOutcome.Completed;
                }
            }).ToList();
            var outcomes = await Task.WhenAll(runs);
            if (failures.Count > 0) throw failures[0];
            return outcomes.Max();
        }
        finally
        {
            await finished.CancelAsync();
            await watching;
            foreach (var camera in opened) camera.Dispose();
        }
    }

    private static void DisposeOpened(IEnumerable<Task<CameraPipeline?>> opening)
    {
        foreach (var task in opening)
            if (task.IsCompletedSuccessfully) task.Result?.Dispose();
    }
}
