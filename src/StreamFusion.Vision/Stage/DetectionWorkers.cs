using System.Collections.Concurrent;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Stage;

/// <summary>
/// One thread per detector of a camera's analyzer: a frame goes to whichever is free, and its detections come back
/// as a task. A run blocks for milliseconds, so it gets a thread of its own rather than one of the pool's.
/// </summary>
internal sealed class DetectionWorkers : IDisposable
{
    private readonly BlockingCollection<Job> _jobs = [];
    private readonly SemaphoreSlim? _room;
    private readonly int _maxWaiting;
    private readonly Action<VideoFrame>? _drop;
    private readonly Thread[] _threads;

    /// <summary>
    /// Lossless, each detector has this many frames queued behind the one it runs: a detector that finishes takes
    /// its next frame at once instead of sleeping until the stage's reader has woken, gated and handed one over.
    /// </summary>
    private const int QueuedPerDetector = 1;

    /// <param name="drop">
    /// null: lossless, a frame waits while every detector has one frame running and
    /// <see cref="QueuedPerDetector"/> queued. Otherwise live: a frame is taken at once, and at most
    /// <paramref name="maxWaiting"/> frames wait for a detector; a new one pushes out the oldest waiting, which goes
    /// to <paramref name="drop"/> and gets no detections.
    /// </param>
    public DetectionWorkers(VisionAnalyzer analyzer, Action<VideoFrame>? drop = null, int maxWaiting = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWaiting, 1);
        (_drop, _maxWaiting) = (drop, maxWaiting);
        var inFlight = analyzer.Detectors * (1 + QueuedPerDetector);
        if (drop is null) _room = new SemaphoreSlim(inFlight, inFlight);
        _threads = Enumerable.Range(0, analyzer.Detectors)
            .Select(detector => new Thread(() => Work(analyzer, detector)) { IsBackground = true, Name = $"detect-{detector}" }).ToArray();
        foreach (var thread in _threads) thread.Start();
    }

    /// <summary>Hands a detector the frame, which it disposes once detected (or here, if cancelled).</summary>
    /// <returns>the frame's detections when they are done; null when the frame was dropped while it waited</returns>
    public async ValueTask<Task<List<DetectedObject>?>> SubmitAsync(VideoFrame frame, CancellationToken cancel)
    {
        if (_room is null)
            DropOldestWaiting();
        else
            try
            {
                await _room.WaitAsync(cancel).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        var job = new Job(frame);
        _jobs.Add(job, CancellationToken.None);
        return job.Task;
    }

    private void DropOldestWaiting()
    {
        while (_jobs.Count >= _maxWaiting && _jobs.TryTake(out var oldest))
        {
            _drop!(oldest.Frame);
            oldest.SetResult(null);
        }
    }

    private void Work(VisionAnalyzer analyzer, int detector)
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            try
            {
                job.SetResult(analyzer.Detect(detector, job.Frame.Pixels.Span, job.Frame.Width, job.Frame.Height, job.Frame.Pts));
            }
            catch (Exception e)
            {
                job.SetException(e);
            }
            finally
            {
                job.Frame.Dispose();
                _room?.Release();
            }
        }
    }

    /// <summary>Lets the detectors finish the frames they were given, then stops their threads.</summary>
    public void Dispose()
    {
        _jobs.CompleteAdding();
        foreach (var thread in _threads) thread.Join();
        _jobs.Dispose();
        _room?.Dispose();
    }

    /// <summary>Its awaiter never runs on a detector thread: the stage's end joins those threads.</summary>
    private sealed class Job(VideoFrame frame) : TaskCompletionSource<List<DetectedObject>?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public VideoFrame Frame => frame;
    }
}
