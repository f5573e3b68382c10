using System.Threading.Channels;
using StreamFusion.Core.Stages;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Stage;

/// <summary>
/// The pipeline stage: takes decoded items, analyses video frames, releases every item, and writes one
/// <see cref="FrameAnalysis"/> per frame (a carried one for frames the motion gate skipped), then a closing record
/// with the tracks still open. Frames are gated in order, detected up to <see cref="VisionAnalyzer.Detectors"/> at
/// a time, and tracked and written in order as soon as each is done.
/// </summary>
/// <param name="waitingPerDetector">
/// null: lossless, a frame waits for a detector (replay). Otherwise live: the stage takes frames as they come and
/// never waits, so a burst of frames cannot push out the ones the gate picks. Of the frames waiting for a detector,
/// at most this many per detector are kept, the newest; the others are dropped, as are frames arriving while the
/// output is stalled. A dropped frame gets no analysis and is counted with the input edge's drops.
/// </param>
public sealed class VisionStage(VisionAnalyzer analyzer, int? waitingPerDetector = null)
{
    /// <summary>A frame on its way: its detections to come, or none when it was not detected (its objects are carried).</summary>
    private sealed record Pending(Task<List<DetectedObject>?>? Detection, double Pts, long Index, int Width, int Height);

    /// <summary>
    /// Frames between gating and output, most of them skipped frames waiting for an earlier detection so they go out
    /// in order (a few bytes each; their pixels are released): room for seconds of a burst, yet a stalled output
    /// stops the input (or drops it, live).
    /// </summary>
    private const int MaxFramesInStage = 1024;

    public async Task RunAsync(PipelineEdge<MediaItem> input, PipelineEdge<FrameAnalysis> output, CancellationToken abort)
    {
        using var workers = waitingPerDetector is { } waiting ? new DetectionWorkers(analyzer, input.Drop, waiting * analyzer.Detectors) : new DetectionWorkers(analyzer);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var ordered = Channel.CreateBounded<Pending>(new BoundedChannelOptions(MaxFramesInStage) { SingleReader = true, SingleWriter = true });
        var read = CancelOthersOnError(ReadAsync(input, ordered, workers, failed.Token), failed);
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

    private async Task ReadAsync(PipelineEdge<MediaItem> input, Channel<Pending> ordered, DetectionWorkers workers, CancellationToken cancel)
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
                if (waitingPerDetector is not null && ordered.Reader.Count >= MaxFramesInStage)
                {
                    input.Drop(frame);
                    continue;
                }
                var (pts, index, width, height) = (frame.Pts, frame.Index, frame.Width, frame.Height);
                Task<List<DetectedObject>?>? detection = null;
                if (analyzer.Admit(frame.Pixels.Span, width, height, pts)) detection = await workers.SubmitAsync(frame, cancel).ConfigureAwait(false);
                else frame.Dispose();
                await ordered.Writer.WriteAsync(new Pending(detection, pts, index, width, height), cancel).ConfigureAwait(false);
            }
        }
        finally
        {
            ordered.Writer.TryComplete();
        }
    }

    private async Task EmitAsync(ChannelReader<Pending> ordered, PipelineEdge<FrameAnalysis> output, CancellationToken cancel)
    {
        double lastPts = 0;
        int width = 0, height = 0;
        await foreach (var frame in ordered.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            (lastPts, width, height) = (frame.Pts, frame.Width, frame.Height);
            FrameAnalysis analysis;
            if (frame.Detection is null)
                analysis = analyzer.Carry(frame.Pts, frame.Index, frame.Width, frame.Height);
            else if (await frame.Detection.ConfigureAwait(false) is { } detections)
                analysis = analyzer.Track(detections, frame.Pts, frame.Index, frame.Width, frame.Height);
            else
                continue;
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
