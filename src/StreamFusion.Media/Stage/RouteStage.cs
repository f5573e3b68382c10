using StreamFusion.Core.Stages;
using StreamFusion.Media.Items;

namespace StreamFusion.Media.Stage;

/// <summary>
/// The stage after decode: sends each item where it is taken (frames to vision, audio chunks to audio, subtitle
/// cues to the transcript handler) and releases the items nobody takes. It only sorts and never waits long, so
/// the decode edge before it never needs to drop.
/// </summary>
/// <param name="frames">vision's input; null when vision is off</param>
/// <param name="sound">audio's input; null when audio is off</param>
/// <param name="observe">sees every item first (counters, latency)</param>
/// <param name="cues">takes subtitle cues (the fuser's transcript); null drops them</param>
public sealed class RouteStage(PipelineEdge<MediaItem>? frames, PipelineEdge<MediaItem>? sound, Action<MediaItem> observe,
    Func<SubtitleCue, CancellationToken, ValueTask>? cues)
{
    public async Task RunAsync(PipelineEdge<MediaItem> input, CancellationToken abort)
    {
        await foreach (var item in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            observe(item);
            if (item is SubtitleCue cue && cues is not null) await cues(cue, abort).ConfigureAwait(false);
            var target = item switch { VideoFrame => frames, AudioChunk => sound, _ => null };
            if (target is null) item.Dispose();
            else await target.WriteAsync(item, abort).ConfigureAwait(false);
        }
    }
}
