using StreamFusion.Core.Stages;
using StreamFusion.Hosting;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Records;

namespace StreamFusion.Cli.Hosting;

/// <summary>
/// The CLI's view of a run, on stdout (stderr where the verb's records take stdout): progress lines while cameras
/// run, a summary line per camera, Kafka's totals.
/// </summary>
internal sealed class ConsoleRunReporter(TextWriter output) : IRunReporter
{
    public Task WatchAsync(RunningCameras cameras, TimeSpan interval, CancellationToken camerasDone) =>
        new Output.ProgressReporter(cameras, interval, output, interactive: !Console.IsErrorRedirected && !Console.IsOutputRedirected).RunAsync(camerasDone);

    public void CameraFinished(CameraPipeline camera, PipelineOutcome outcome, TimeSpan elapsed) =>
        output.WriteLine($"[{camera.Camera.Id}] {CameraSummary.Line(camera, outcome, elapsed)}");

    public void DeliveryFinished(DeliverySummary? delivery, TranscriptInput? transcripts)
    {
        if (delivery is null) return;
        output.WriteLine(delivery);
        if (transcripts is not null) output.WriteLine(transcripts);
    }
}
