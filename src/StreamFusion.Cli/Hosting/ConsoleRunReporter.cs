using StreamFusion.Core.Stages;
using StreamFusion.Hosting;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Records;

namespace StreamFusion.Cli.Hosting;

/// <summary>The CLI's view of a run on stdout: progress lines while cameras run, a summary line per camera, Kafka's totals.</summary>
internal sealed class ConsoleRunReporter : IRunReporter
{
    public Task WatchAsync(RunningCameras cameras, TimeSpan interval, CancellationToken camerasDone) =>
        new Output.ProgressReporter(cameras, interval, interactive: !Console.IsErrorRedirected && !Console.IsOutputRedirected).RunAsync(camerasDone);

    public void CameraFinished(CameraPipeline camera, PipelineOutcome outcome, TimeSpan elapsed) =>
        Console.Out.WriteLine($"[{camera.Camera.Id}] {CameraSummary.Line(camera, outcome, elapsed)}");

    public void DeliveryFinished(DeliverySummary? delivery, TranscriptInput? transcripts)
    {
        if (delivery is null) return;
        Console.Out.WriteLine(delivery);
        if (transcripts is not null) Console.Out.WriteLine(transcripts);
    }
}
