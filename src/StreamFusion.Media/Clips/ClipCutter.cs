using System.Collections.Concurrent;

namespace StreamFusion.Media.Clips;

/// <summary>
/// Hands clip requests from any thread to the thread reading the source (<see cref="Stage.DecodeStage"/>), which
/// applies them between reads, and reports finished clips from there. Times are on the pipeline's media clock; the
/// source's own clock differs by the offset an outage adds (reconnects), converted here.
/// </summary>
public sealed class ClipCutter(Action<ClipFile> finished)
{
    private readonly ConcurrentQueue<Action<IClipSource, double>> _requests = new();

    public void Begin(string basePath, double from, double maxSeconds) =>
        _requests.Enqueue((clips, offset) => clips.Begin(basePath, from - offset, maxSeconds));

    /// <param name="until">media time after which the open clip ends; +∞ keeps it open</param>
    public void StopAt(double until) => _requests.Enqueue((clips, offset) => clips.StopAt(until - offset));

    /// <summary>Applies waiting requests and reports finished clips; on the reading thread, between reads.</summary>
    internal void Pump(IMediaSource source, double offset)
    {
        if (source.Clips is not { } clips) return;
        while (_requests.TryDequeue(out var request))
        {
            try
            {
                request(clips, offset);
            }
            catch (MediaException e)
            {
                finished(new ClipFile("", double.NaN, double.NaN, 0, 0, 0, e.Message));
            }
        }
        Collect(clips, offset);
    }

    /// <summary>Ends the open clip (end of input, or the source is about to be replaced) and reports it.</summary>
    internal void Finish(IMediaSource source, double offset)
    {
        if (source.Clips is not { } clips) return;
        clips.Finish();
        Collect(clips, offset);
    }

    private void Collect(IClipSource clips, double offset)
    {
        while (clips.TakeFinished() is { } clip) finished(clip with { Start = clip.Start + offset, End = clip.End + offset });
    }
}
