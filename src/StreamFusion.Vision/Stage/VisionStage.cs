using StreamFusion.Core.Pipeline;
using StreamFusion.Media.Items;

namespace StreamFusion.Vision.Stage;

/// <summary>
/// The pipeline stage: takes decoded items, analyses video frames, releases every item, and writes one
/// <see cref="FrameAnalysis"/> per frame (a carried one for frames the motion gate skipped), then a closing record
/// with the tracks still open.
/// </summary>
public sealed class VisionStage(VisionAnalyzer analyzer)
{
    public async Task RunAsync(PipelineEdge<MediaItem> input, PipelineEdge<FrameAnalysis> output, CancellationToken abort)
    {
        double lastPts = 0;
        int width = 0, height = 0;
        await foreach (var item in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            FrameAnalysis? analysis = null;
            using (item)
            {
                if (item is VideoFrame frame)
                {
                    (lastPts, width, height) = (frame.Pts, frame.Width, frame.Height);
                    analysis = analyzer.Analyze(frame.Pixels.Span, frame.Width, frame.Height, frame.Pts, frame.Index)
                               ?? analyzer.Carry(frame.Pts, frame.Index, frame.Width, frame.Height);
                }
            }
            if (analysis is not null) await output.WriteAsync(analysis, abort).ConfigureAwait(false);
        }
        await output.WriteAsync(analyzer.Finish(lastPts, width, height), abort).ConfigureAwait(false);
    }
}
