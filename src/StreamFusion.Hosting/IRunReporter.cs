using Microsoft.Extensions.Logging;
using StreamFusion.Core.Logging;
using StreamFusion.Core.Stages;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Records;

namespace StreamFusion.Hosting;

/// <summary>
/// What a run tells whoever started it, beyond its log: progress while the cameras run, a summary when each is
/// done, and what Kafka took at the end. The default logs the summaries; the CLI prints them to stdout.
/// </summary>
public interface IRunReporter
{
    /// <summary>Runs while the cameras run (all opened or retrying), until <paramref name="camerasDone"/>.</summary>
    Task WatchAsync(RunningCameras cameras, TimeSpan interval, CancellationToken camerasDone);

    void CameraFinished(CameraPipeline camera, PipelineOutcome outcome, TimeSpan elapsed);

    /// <param name="delivery">null when the run published nothing to Kafka</param>
    void DeliveryFinished(DeliverySummary? delivery, TranscriptInput? transcripts);
}

/// <summary>The default reporter: summaries as log lines, no progress.</summary>
public sealed class LoggingRunReporter(ILogger<LoggingRunReporter> logger) : IRunReporter
{
    public Task WatchAsync(RunningCameras cameras, TimeSpan interval, CancellationToken camerasDone) => Task.CompletedTask;

    public void CameraFinished(CameraPipeline camera, PipelineOutcome outcome, TimeSpan elapsed) =>
        logger.ForCamera(camera.Camera.Id).LogInformation("{Summary}", CameraSummary.Line(camera, outcome, elapsed));

    public void DeliveryFinished(DeliverySummary? delivery, TranscriptInput? transcripts)
    {
        if (delivery is not null) logger.LogInformation("{Summary}", delivery);
        if (transcripts is not null) logger.LogInformation("{Summary}", transcripts);
    }
}
