using System.Threading.Channels;
using StreamFusion.Core.Pipeline;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Stage;

/// <summary>
/// The pipeline stage: takes decoded items, analyses video frames, releases every item, and writes one
/// <see cref="FrameAnalysis"/> per frame (a carried one for frames the motion gate skipped), then a closing record
/// with the tracks still open. Frames are gated in order, detected up to <see cref="VisionAnalyzer.Detectors"/> at
/// a time, and tracked and written in order as soon as each is done.
/// </summary>
public sealed class VisionStage(VisionAnalyzer analyzer)
{
    /// <summary>A frame on its way: its detections to come, or none when it was not detected (its objects are carried).</summary>
    private sealed record Pending(Task<List<DetectedObject>>? Detection, double Pts, long Index, int Width, int Height);

    public async Task RunAsync(PipelineEdge<MediaItem> input, PipelineEdge<FrameAnalysis> output, CancellationToken abort)
    {
        using var workers = new DetectionWorkers(analyzer);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(abort);
        // Bounded by the detectors: a frame waits for one before it is queued here.
        var ordered = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var read = CancelOthersOnError(ReadAsync(input, ordered.Writer, workers, failed.Token), failed);
        var emit = CancelOthersOnError(EmitAsync(ordered.Reader, output, failed.Token), failed);
        try
        {
            await Task.WhenAll(read, emit).ConfigureAwait(false);
        }
        catch
        {
            // The error that stopped the stage, not the cancellation it caused in the other half.
            var cause = new[] { read, emit }.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault();
            if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            throw;
        }
    }

    private async Task ReadAsync(PipelineEdge<MediaItem> input, ChannelWriter<Pending> ordered, DetectionWorkers workers, CancellationToken cancel)
    {
        try
        {
            await foreach (var item in input.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                if (item is not VideoFrame frame)
                {
                    item.Dispose();
                    continue;
                }
                var (pts, index, width, height) = (frame.Pts, frame.Index, frame.Width, frame.Height);
                Task<List<DetectedObject>>? detection = null;
                if (analyzer.Admit(frame.Pixels.Span, width, height, pts)) detection = await workers.SubmitAsync(frame, cancel).ConfigureAwait(false);
                else frame.Dispose();
                ordered.TryWrite(new Pending(detection, pts, index, width, height));
            }
        }
        finally
        {
            ordered.TryComplete();
        }
    }

    private async Task EmitAsync(ChannelReader<Pending> ordered, PipelineEdge<FrameAnalysis> output, CancellationToken cancel)
    {
        double lastPts = 0;
        int width = 0, height = 0;
        await foreach (var frame in ordered.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            (lastPts, width, height) = (frame.Pts, frame.Width, frame.Height);
            var analysis = frame.Detection is null
                ? analyzer.Carry(frame.Pts, frame.Index, frame.Width, frame.Height)
                : analyzer.Track(await frame.Detection.ConfigureAwait(false), frame.Pts, frame.Index, frame.Width, frame.Height);
            await output.WriteAsync(analysis, cancel).ConfigureAwait(false);
        }
        await output.WriteAsync(analyzer.Finish(lastPts, width, height), cancel).ConfigureAwait(false);
    }

    private static async Task CancelOthersOnError(Task task, CancellationTokenSource others)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch
        {
            others.Cancel();
            throw;
        }
    }
}
