using StreamFusion.Core.Stages;
using StreamFusion.Media.Clips;
using StreamFusion.Media.Items;
using StreamFusion.Media.Live;

namespace StreamFusion.Media.Stage;

/// <summary>
/// The pipeline's source: reads a media source and writes its items, paced if asked, into one edge. It blocks
/// in native reads, so it runs on a thread of its own (<see cref="Pipeline.AddBlockingSource"/>). A stop
/// interrupts a blocking read, so Ctrl+C on a stalled network source returns at once.
/// A live source that fails, ends or stalls is reopened by its <see cref="ReconnectPolicy"/>; media time carries on
/// across the outage (items after it are shifted by the time it lasted), so windows stay in order and the gap shows.
/// </summary>
public sealed class DecodeStage
{
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(250);
    private readonly Func<CancellationToken, IMediaSource>? _reopen;
    private readonly ReconnectPolicy _reconnect;
    private readonly Pacing _pacing;
    private readonly SourceRetry _retry;
    private readonly ClipCutter? _clips;
    private IMediaSource _source;
    private double _position = double.NaN;
    private double _ptsOffset;
    private bool _realign, _startOnCaptureTime;
    private long _lastItemTicks = DateTime.UtcNow.Ticks;   // the media gap of an outage is measured from here
    private long _quietSinceTicks = DateTime.UtcNow.Ticks; // the stall watchdog measures from here (last item or reopen)
    private volatile bool _stalled, _reading;

    /// <param name="reopen">opens the same input again (for reconnects); null: the source cannot be reopened</param>
    /// <param name="health">state changes of the source (connecting, live, stalled, backing-off, ended, failed)</param>
    /// <param name="clips">evidence clip requests, applied between reads; null: none</param>
    /// <param name="captureTimeClock">media time starts at the capture time of the first item, in Unix seconds:
    /// windows and record ids of a live camera then follow the wall clock, unique across restarts and machines</param>
    public DecodeStage(IMediaSource source, Pacing pacing, Func<CancellationToken, IMediaSource>? reopen = null, ReconnectPolicy? reconnect = null,
        CameraHealth? health = null, ClipCutter? clips = null, bool captureTimeClock = false)
    {
        _startOnCaptureTime = captureTimeClock;
        _clips = clips;
        _source = source;
        _pacing = pacing;
        _reopen = reopen;
        _reconnect = reopen is null ? ReconnectPolicy.Off : reconnect ?? ReconnectPolicy.Off;
        Health = health ?? new CameraHealth(source.Uri.Redacted);
        _retry = new SourceRetry(_reconnect, Health);
    }

    public IMediaSource Source => Volatile.Read(ref _source);
    public CameraHealth Health { get; }
    /// <summary>When each media time was captured (read from the source).</summary>
    public CaptureClock Clock { get; } = new();

    /// <summary>Media PTS of the latest item written (for progress display), NaN before the first.</summary>
    public double Position => Volatile.Read(ref _position);

    /// <summary>Set when the input ended early; the items before the cut were still delivered.</summary>
    public MediaTruncatedException? Truncation { get; private set; }

    public void Run(PipelineEdge<MediaItem> output, CancellationToken stop)
    {
        var pacer = new Pacer(_pacing);
        Health.Set(CameraState.Live);
        using var watchdog = _reconnect.Enabled ? new Timer(_ => CheckStall(), null, WatchdogPeriod, WatchdogPeriod) : null;
        while (true)
        {
            var failure = ReadUntilEnd(output, pacer, stop);
            if (stop.IsCancellationRequested) return;
            // Cameras, NVRs and restreamers end sessions (reboots, BYE, TEARDOWN), announced range or not: only a
            // source the user marked finite ends.
            var finished = failure is null && _reconnect.Finite;
            if (!_reconnect.Enabled || finished)
            {
                Health.Set(failure is null or MediaTruncatedException ? CameraState.Ended : CameraState.Failed);
                if (failure is MediaTruncatedException truncated) Truncation = truncated; // downstream drains first; the caller reports it
                else if (failure is not null) throw failure;
                return;
            }
            if (!Reconnect(failure, stop)) return;
        }
    }

    /// <returns>null at a normal end (or a stop), else the error that ended reading</returns>
    private MediaException? ReadUntilEnd(PipelineEdge<MediaItem> output, Pacer pacer, CancellationToken stop)
    {
        var source = Source;
        using var interrupt = stop.Register(source.Interrupt);
        Interlocked.Exchange(ref _quietSinceTicks, DateTime.UtcNow.Ticks);
        _reading = true;
        try
        {
            return ReadItems(source, output, pacer, stop);
        }
        finally
        {
            _reading = false;
            _clips?.Finish(source, _ptsOffset); // a clip ends with its source: complete up to here
            pacer.DisposeHeld(); // what was read but not delivered: stopped, aborted or failed while writing
        }
    }

    private MediaException? ReadItems(IMediaSource source, PipelineEdge<MediaItem> output, Pacer pacer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            MediaItem? item;
            try
            {
                _clips?.Pump(source, _ptsOffset);
                item = source.ReadNext();
            }
            catch (MediaAbortedException aborted)
            {
                return stop.IsCancellationRequested ? null : _stalled ? new MediaNetworkException($"{source.Uri.Redacted}: stalled") : aborted;
            }
            catch (MediaException error)
            {
                if (!DeliverHeld(output, pacer, double.PositiveInfinity, stop)) return null;
                return error;
            }
            if (item is null)
            {
                DeliverHeld(output, pacer, double.PositiveInfinity, stop);
                return null;
            }
            Stamp(item);
            pacer.Hold(item);
            if (!DeliverHeld(output, pacer, item.Pts, stop)) return null;
        }
        return null;
    }

    /// <summary>Writes the held items that are ready once <paramref name="readPts"/> has been read, each when due.</summary>
    /// <returns>false when stopped meanwhile</returns>
    private bool DeliverHeld(PipelineEdge<MediaItem> output, Pacer pacer, double readPts, CancellationToken stop)
    {
        while (pacer.NextBefore(readPts) is { } item)
        {
            try
            {
                if (!pacer.Wait(item.Pts, stop))
                {
                    item.Dispose();
                    return false;
                }
                // Captured when delivered: for a paced replay, when a live camera would have sent it.
                Clock.Note(item.Pts, DateTimeOffset.UtcNow);
                output.Write(item, stop);
                Volatile.Write(ref _position, item.Pts);
            }
            catch
            {
                item.Dispose();
                throw;
            }
        }
        return true;
    }

    /// <summary>Notes the item's arrival and, after a reconnect, moves it onto the media clock past the outage.</summary>
    private void Stamp(MediaItem item)
    {
        var now = DateTimeOffset.UtcNow;
        if (_startOnCaptureTime)
        {
            _ptsOffset = now.ToUnixTimeMilliseconds() / 1000.0 - item.Pts;
            (_startOnCaptureTime, _realign) = (false, false);
        }
        else if (_realign)
        {
            var last = double.IsNaN(Position) ? 0 : Position;
            var gap = Math.Max(0.001, (now.UtcTicks - Interlocked.Read(ref _lastItemTicks)) / (double)TimeSpan.TicksPerSecond);
            _ptsOffset = last + gap - item.Pts;
            _realign = false;
            Health.Reconnected(gap);
        }
        item.Pts += _ptsOffset;
        if (item is SubtitleCue cue) cue.End += _ptsOffset;
        Interlocked.Exchange(ref _lastItemTicks, now.UtcTicks);
        Interlocked.Exchange(ref _quietSinceTicks, now.UtcTicks);
    }

    private void CheckStall()
    {
        var silent = TimeSpan.FromTicks(DateTime.UtcNow.Ticks - Interlocked.Read(ref _quietSinceTicks));
        if (_stalled || !_reading || silent < _reconnect.StallTimeoutOrDefault) return;
        _stalled = true;
        Health.Set(CameraState.Stalled, $"no data for {silent.TotalSeconds:F0} s");
        Source.Interrupt();
    }

    /// <returns>false when stopped meanwhile</returns>
    private bool Reconnect(MediaException? failure, CancellationToken stop)
    {
        var reopened = _retry.OpenAsync(cancel => Task.FromResult(_reopen!(cancel)), failure?.Message ?? "the stream ended", failure, stop)
            .GetAwaiter().GetResult(); // this stage has a thread of its own
        if (reopened is null) return false;
        Interlocked.Exchange(ref _source, reopened).Dispose();
        (_realign, _stalled) = (true, false); // live again with the first item (Stamp)
        return true;
    }
}
