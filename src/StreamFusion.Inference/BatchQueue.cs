namespace StreamFusion.Inference;

/// <summary>
/// Gathers work items from several cameras into batches for one device: a camera that submits while a batch is
/// running waits, and the next run takes everything that queued up meanwhile (up to <see cref="MaxBatch"/>
/// items that <c>compatible</c> puts together with the oldest), so batches grow by themselves exactly when cameras
/// compete and a lone camera never waits for company. With a gather window, a run also waits that long for every
/// camera using the queue to submit (worth it on a GPU, where a batch costs little more than one item). The
/// camera whose item is oldest runs the batch on its own thread; an error in a run is every item's.
/// </summary>
/// <param name="run">runs one batch, filling each item's results</param>
/// <param name="compatible">whether an item may go in the same run as the oldest waiting one; null: any</param>
public sealed class BatchQueue<T>(int maxBatch, TimeSpan gatherWindow, Action<IReadOnlyList<T>> run, Func<T, T, bool>? compatible = null) where T : class
{
    private readonly object _gate = new();
    private readonly List<Waiting> _pending = [];
    private bool _leading;
    private int _users;
    private long _batches, _items;

    public int MaxBatch => maxBatch;

    /// <summary>Cameras using the queue now (the gather window waits for at most this many items).</summary>
    public void AddUser(int change)
    {
        lock (_gate)
        {
            _users += change;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Items per run, on average so far (1 when cameras never overlapped).</summary>
    public double AverageBatch
    {
        get { lock (_gate) return _batches == 0 ? 0 : (double)_items / _batches; }
    }

    /// <summary>Returns once <paramref name="item"/> has been run, alone or with other cameras' items.</summary>
    public void Submit(T item)
    {
        var waiting = new Waiting(item);
        lock (_gate)
        {
            _pending.Add(waiting);
            Monitor.PulseAll(_gate); // a leader gathering items counts this one
            while (_leading && !waiting.Done) Monitor.Wait(_gate);
            if (waiting.Done)
            {
                waiting.Error?.Throw();
                return;
            }
            _leading = true;
            var deadline = DateTime.UtcNow + gatherWindow;
            while (_pending.Count < Math.Min(_users, maxBatch) && DateTime.UtcNow < deadline)
                Monitor.Wait(_gate, deadline - DateTime.UtcNow);
        }
        try
        {
            while (!waiting.Done)
            {
                List<Waiting> batch;
                lock (_gate)
                {
                    var oldest = _pending[0].Item;
                    batch = _pending.Where(w => compatible?.Invoke(oldest, w.Item) ?? true).Take(maxBatch).ToList();
                    foreach (var taken in batch) _pending.Remove(taken);
                }
                System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
                try
                {
                    run(batch.Select(w => w.Item).ToList());
                }
                catch (Exception e)
                {
                    error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                }
                lock (_gate)
                {
                    foreach (var done in batch) (done.Done, done.Error) = (true, error);
                    _batches++;
                    _items += batch.Count;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _leading = false;
                Monitor.PulseAll(_gate); // a waiter whose item is still pending leads next
            }
        }
        waiting.Error?.Throw();
    }

    private sealed class Waiting(T item)
    {
        public T Item { get; } = item;
        public bool Done { get; set; }
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Error { get; set; }
    }
}
