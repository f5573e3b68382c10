using StreamFusion.Core.Pipeline;
using StreamFusion.Media.Items;

namespace StreamFusion.Media.Stage;

/// <summary>
/// The pipeline's source: reads a media source and writes its items, paced if asked, into one edge. It blocks
/// in native reads, so it runs on a thread of its own (<see cref="Pipeline.AddBlockingSource"/>). A stop
/// interrupts a blocking read, so Ctrl+C on a stalled network source returns at once.
/// </summary>
public sealed class DecodeStage(IMediaSource source, Pacing pacing)
{
    public IMediaSource Source => source;

    /// <summary>Media PTS of the latest item written (for progress display), NaN before the first.</summary>
    public double Position => Volatile.Read(ref _position);

    private double _position = double.NaN;

    /// <summary>Set when the input ended early; the items before the cut were still delivered.</summary>
    public MediaTruncatedException? Truncation { get; private set; }

    public void Run(PipelineEdge<MediaItem> output, CancellationToken stop)
    {
        var pacer = new Pacer(pacing);
        using var interrupt = stop.Register(source.Interrupt);
        while (!stop.IsCancellationRequested)
        {
            MediaItem? item;
            try
            {
                item = source.ReadNext();
            }
            catch (MediaAbortedException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (MediaTruncatedException truncated)
            {
                // End normally so downstream drains what came before the cut; the caller reports it afterwards.
                Truncation = truncated;
                return;
            }
            if (item is null) return;
            try
            {
                if (!pacer.Wait(item.Pts, stop))
                {
                    item.Dispose();
                    return;
                }
                output.Write(item, stop);
                Volatile.Write(ref _position, item.Pts);
            }
            catch
            {
                item.Dispose();
                throw;
            }
        }
    }
}
