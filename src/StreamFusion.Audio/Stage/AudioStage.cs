using StreamFusion.Core.Stages;
using StreamFusion.Media.Items;

namespace StreamFusion.Audio.Stage;

/// <summary>The pipeline stage: analyses decoded audio chunks, releases every item, writes completed windows.</summary>
public sealed class AudioStage(AudioAnalyzer analyzer)
{
    public async Task RunAsync(PipelineEdge<MediaItem> input, PipelineEdge<AudioWindow> output, CancellationToken abort)
    {
        await foreach (var item in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            List<AudioWindow> windows;
            using (item)
            {
                if (item is not AudioChunk chunk) continue;
                windows = analyzer.Push(chunk.Samples.Span, chunk.Pts);
            }
            foreach (var window in windows) await output.WriteAsync(window, abort).ConfigureAwait(false);
        }
        foreach (var window in analyzer.Finish()) await output.WriteAsync(window, abort).ConfigureAwait(false);
    }
}
