using System.Threading.Channels;
using StreamFusion.Audio.Stage;
using StreamFusion.Core.Stages;
using StreamFusion.Fusion.Windows;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Fusion.Stage;

/// <summary>
/// The fuse stage: feeds one camera's frame analyses and audio windows, as each arrives, and transcript segments
/// (the media's subtitles, or a live topic from another thread) into its <see cref="WindowFuser"/>, and writes the
/// records, in window order, to the publish edge. One gate keeps the fuser single-threaded and the edge's writes
/// in order; publishing happens in the next stage, never under the gate.
/// </summary>
/// <param name="emitted">sees every record as it is written (counters, latency)</param>
public sealed class FuseStage(WindowFuser fuser, PipelineEdge<FusedRecord> output, Action<FusedRecord> emitted) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _finished;

    /// <param name="analysed">vision's results; null when vision is off</param>
    /// <param name="heard">audio's windows; null when audio is off</param>
    public async Task RunAsync(PipelineEdge<FrameAnalysis>? analysed, PipelineEdge<AudioWindow>? heard, Action<FrameAnalysis> seen,
        Action<AudioWindow> listened, CancellationToken abort)
    {
        async Task Feed<T>(PipelineEdge<T>? input, Action<T> observe, Func<T, List<FusedRecord>> add)
        {
            if (input is null) return;
            await foreach (var result in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
            {
                observe(result);
                await UnderGateAsync(() => add(result), abort).ConfigureAwait(false);
            }
        }

        try
        {
            await Task.WhenAll(Feed(analysed, seen, fuser.Add), Feed(heard, listened, fuser.Add)).ConfigureAwait(false);
            await UnderGateAsync(() =>
            {
                _finished = true;
                return fuser.Finish();
            }, abort).ConfigureAwait(false);
        }
        finally
        {
            _finished = true; // aborted: the publish edge is about to close
        }
    }

    /// <summary>A segment from the media itself (a subtitle cue, from the route stage).</summary>
    public ValueTask AddAsync(TranscriptSegment segment, CancellationToken abort) => new(UnderGateAsync(() => fuser.Add(segment), abort));

    /// <summary>
    /// A segment from outside the media (a live speech-to-text topic's reader thread); its corrections go out at
    /// once, waiting for room on the publish edge. Ignored once the stage has finished or the run was aborted.
    /// </summary>
    public void Add(TranscriptSegment segment, CancellationToken abort)
    {
        try
        {
            UnderGateAsync(() => fuser.Add(segment), abort).GetAwaiter().GetResult(); // the reader's own thread may wait
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            // the run was aborted while this segment waited for the gate or for room: it has nowhere to go
        }
    }

    private async Task UnderGateAsync(Func<List<FusedRecord>> step, CancellationToken abort)
    {
        await _gate.WaitAsync(abort).ConfigureAwait(false);
        try
        {
            if (_finished) return;
            foreach (var record in step())
            {
                emitted(record);
                await output.WriteAsync(record, abort).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
