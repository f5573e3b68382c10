using Microsoft.ML.OnnxRuntime;

namespace StreamFusion.Inference;

/// <summary>
/// Runs one model for several cameras, several frames per call: a camera that asks while a batch is running waits,
/// and the next run takes everything that queued up meanwhile (up to <see cref="MaxBatch"/>), so batches grow by
/// themselves exactly when cameras compete and a lone camera never waits for company. With a gather window, the
/// run also waits that long for every camera sharing the model to send a frame (worth it on a GPU, where a batch
/// costs little more than one frame). Each caller keeps its own input and output buffers (one frame each); they
/// are copied into and out of the batch.
/// </summary>
public sealed class BatchRunner
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames, _outputNames;
    private readonly long[] _itemShape;
    private readonly int _inputLength, _outputLength;
    private readonly float[] _batchInput;
    private readonly RunOptions _runOptions = new();
    private readonly object _gate = new();
    private readonly List<Request> _pending = [];
    private readonly TimeSpan _gatherWindow;
    private bool _leading;
    private int _users;
    private long _batches, _frames;

    /// <param name="itemShape">one frame's input shape without the batch dimension, e.g. [3, 416, 416]</param>
    /// <param name="outputLength">floats of output per frame</param>
    /// <param name="gatherWindow">how long a run may wait for the other cameras' frames; zero: never</param>
    public BatchRunner(InferenceSession session, long[] itemShape, int outputLength, int maxBatch, TimeSpan gatherWindow = default)
    {
        _gatherWindow = gatherWindow;
        _session = session;
        (_inputNames, _outputNames) = ([.. session.InputNames], [.. session.OutputNames]);
        _itemShape = itemShape;
        _inputLength = (int)itemShape.Aggregate(1L, (a, b) => a * b);
        _outputLength = outputLength;
        MaxBatch = maxBatch;
        _batchInput = new float[maxBatch * _inputLength];
    }

    public int MaxBatch { get; }

    /// <summary>Cameras sharing this model now (the gather window waits for at most this many frames).</summary>
    public void AddUser(int change)
    {
        lock (_gate)
        {
            _users += change;
            Monitor.PulseAll(_gate);
        }
    }
    /// <summary>Frames per model run, on average so far (1 when cameras never overlapped).</summary>
    public double AverageBatch
    {
        get { lock (_gate) return _batches == 0 ? 0 : (double)_frames / _batches; }
    }

    /// <summary>Runs the model on one frame's input, filling its output; may run it together with other cameras' frames.</summary>
    public void Run(float[] input, float[] output)
    {
        var request = new Request(input, output);
        lock (_gate)
        {
            _pending.Add(request);
            Monitor.PulseAll(_gate); // a leader gathering frames counts this one
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
                    batch = _pending.Take(MaxBatch).ToList();
                    _pending.RemoveRange(0, batch.Count);
                }
                RunBatch(batch);
                lock (_gate)
                {
                    foreach (var done in batch) done.Done = true;
                    _batches++;
                    _frames += batch.Count;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _leading = false;
                Monitor.PulseAll(_gate); // a waiter whose frame is still pending leads next
            }
        }
        request.Error?.Throw();
    }

    private void RunBatch(List<Request> batch)
    {
        try
        {
            for (var i = 0; i < batch.Count; i++) batch[i].Input.AsSpan(0, _inputLength).CopyTo(_batchInput.AsSpan(i * _inputLength));
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batchInput.AsMemory(0, batch.Count * _inputLength),
                [batch.Count, .. _itemShape]);
            using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
            var values = outputs[0].GetTensorDataAsSpan<float>();
            for (var i = 0; i < batch.Count; i++) values.Slice(i * _outputLength, _outputLength).CopyTo(batch[i].Output);
        }
        catch (Exception e)
        {
            var error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            foreach (var request in batch) request.Error = error;
        }
    }

    private sealed class Request(float[] input, float[] output)
    {
        public float[] Input { get; } = input;
        public float[] Output { get; } = output;
        public bool Done { get; set; }
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Error { get; set; }
    }
}
