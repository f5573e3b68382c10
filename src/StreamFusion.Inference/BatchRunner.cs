using Microsoft.ML.OnnxRuntime;

namespace StreamFusion.Inference;

/// <summary>
/// Runs one model for several cameras, several items per call (a frame, a sound window): a camera that asks while a
/// batch is running waits, and the next run takes everything that queued up meanwhile (up to <see cref="MaxBatch"/>
/// items of the same shape), so batches grow by themselves exactly when cameras compete and a lone camera never
/// waits for company. With a gather window, the run also waits that long for every camera sharing the model to send
/// an item (worth it on a GPU, where a batch costs little more than one item). Each caller keeps its own input and
/// output buffers (one item each, an output buffer per model output); they are copied into and out of the batch.
/// </summary>
public sealed class BatchRunner
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames, _outputNames;
    private readonly long[]? _itemShape;
    private float[] _batchInput = [];
    private readonly RunOptions _runOptions = new();
    private readonly object _gate = new();
    private readonly List<Request> _pending = [];
    private readonly TimeSpan _gatherWindow;
    private bool _leading;
    private int _users;
    private long _batches, _items;

    /// <param name="itemShape">one item's input shape without the batch dimension, e.g. [3, 416, 416]; null when
    /// the model leaves it free (each request then gives its own, and only items of one shape share a run)</param>
    /// <param name="gatherWindow">how long a run may wait for the other cameras' items; zero: never</param>
    public BatchRunner(InferenceSession session, long[]? itemShape, int maxBatch, TimeSpan gatherWindow = default)
    {
        _gatherWindow = gatherWindow;
        _session = session;
        (_inputNames, _outputNames) = ([.. session.InputNames], [.. session.OutputNames]);
        _itemShape = itemShape;
        MaxBatch = maxBatch;
    }

    public int MaxBatch { get; }
    /// <summary>The model's outputs, in the order <see cref="Run(float[], float[][], long[])"/> fills its buffers.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>Cameras sharing this model now (the gather window waits for at most this many items).</summary>
    public void AddUser(int change)
    {
        lock (_gate)
        {
            _users += change;
            Monitor.PulseAll(_gate);
        }
    }
    /// <summary>Items per model run, on average so far (1 when cameras never overlapped).</summary>
    public double AverageBatch
    {
        get { lock (_gate) return _batches == 0 ? 0 : (double)_items / _batches; }
    }

    /// <summary>Runs the model on one frame's input, filling its one output.</summary>
    public void Run(float[] input, float[] output) => Run(input, [output]);

    /// <summary>
    /// Runs the model on one item's input, filling one buffer per output (each as long as that output's share of one
    /// item); may run it together with other cameras' items.
    /// </summary>
    /// <param name="itemShape">the item's shape, where the model leaves it free (else the model's)</param>
    public void Run(float[] input, float[][] outputs, long[]? itemShape = null)
    {
        var shape = itemShape ?? _itemShape ?? throw new ArgumentException("this model's input shape is free: give the item's shape");
        if (outputs.Length != _outputNames.Length) throw new ArgumentException($"the model has {_outputNames.Length} outputs, not {outputs.Length}");
        var request = new Request(input, shape, outputs);
        lock (_gate)
        {
            _pending.Add(request);
            Monitor.PulseAll(_gate); // a leader gathering items counts this one
            while (_leading && !request.Done) Monitor.Wait(_gate);
            if (request.Done) return;
            _leading = true;
            var deadline = DateTime.UtcNow + _gatherWindow;
            while (_pending.Count < Math.Min(_users, MaxBatch) && DateTime.UtcNow < deadline)
                Monitor.Wait(_gate, deadline - DateTime.UtcNow);
        }
        try
        {
            while (!request.Done)
            {
                List<Request> batch;
                lock (_gate)
                {
                    var first = _pending[0];
                    batch = _pending.Where(r => r.Shape.AsSpan().SequenceEqual(first.Shape)).Take(MaxBatch).ToList();
                    foreach (var taken in batch) _pending.Remove(taken);
                }
                RunBatch(batch);
                lock (_gate)
                {
                    foreach (var done in batch) done.Done = true;
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
        request.Error?.Throw();
    }

    /// <summary>Only the leader runs a batch, so the batch input buffer is its alone.</summary>
    private void RunBatch(List<Request> batch)
    {
        try
        {
            var length = (int)batch[0].Shape.Aggregate(1L, (a, b) => a * b);
            if (_batchInput.Length < batch.Count * length) _batchInput = new float[Math.Max(batch.Count, Math.Min(MaxBatch, 8)) * length];
            for (var i = 0; i < batch.Count; i++) batch[i].Input.AsSpan(0, length).CopyTo(_batchInput.AsSpan(i * length));
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batchInput.AsMemory(0, batch.Count * length),
                [batch.Count, .. batch[0].Shape]);
            using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
            for (var k = 0; k < _outputNames.Length; k++)
            {
                var values = outputs[k].GetTensorDataAsSpan<float>();
                var each = batch[0].Outputs[k].Length;
                if (values.Length != batch.Count * each)
                    throw new InvalidOperationException($"{_outputNames[k]}: {values.Length} values for {batch.Count} items of {each}");
                for (var i = 0; i < batch.Count; i++) values.Slice(i * each, each).CopyTo(batch[i].Outputs[k]);
            }
        }
        catch (Exception e)
        {
            var error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            foreach (var request in batch) request.Error = error;
        }
    }

    private sealed class Request(float[] input, long[] shape, float[][] outputs)
    {
        public float[] Input { get; } = input;
        public long[] Shape { get; } = shape;
        public float[][] Outputs { get; } = outputs;
        public bool Done { get; set; }
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Error { get; set; }
    }
}
