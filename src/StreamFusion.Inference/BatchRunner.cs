using Microsoft.ML.OnnxRuntime;

namespace StreamFusion.Inference;

/// <summary>
/// Runs one model for several cameras, several items per call (a frame, a sound window), through a
/// <see cref="BatchQueue{T}"/>: items of the same shape that cameras submit at the same time run together. Each
/// caller keeps its own input and output buffers (one item each, an output buffer per model output); they are
/// copied into and out of the batch.
/// </summary>
public sealed class BatchRunner
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames, _outputNames;
    private readonly long[]? _itemShape;
    private readonly BatchQueue<Request> _queue;
    private float[] _batchInput = [];
    private readonly RunOptions _runOptions = new();

    /// <param name="itemShape">one item's input shape without the batch dimension, e.g. [3, 416, 416]; null when
    /// the model leaves it free (each request then gives its own, and only items of one shape share a run)</param>
    /// <param name="gatherWindow">how long a run may wait for the other cameras' items; zero: never</param>
    public BatchRunner(InferenceSession session, long[]? itemShape, int maxBatch, TimeSpan gatherWindow = default)
    {
        _session = session;
        (_inputNames, _outputNames) = ([.. session.InputNames], [.. session.OutputNames]);
        _itemShape = itemShape;
        _queue = new BatchQueue<Request>(maxBatch, gatherWindow, RunBatch, (a, b) => a.Shape.AsSpan().SequenceEqual(b.Shape));
    }

    public int MaxBatch => _queue.MaxBatch;
    /// <summary>The model's outputs, in the order <see cref="Run(float[], float[][], long[])"/> fills its buffers.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>Cameras sharing this model now (the gather window waits for at most this many items).</summary>
    public void AddUser(int change) => _queue.AddUser(change);
    /// <summary>Items per model run, on average so far (1 when cameras never overlapped).</summary>
    public double AverageBatch => _queue.AverageBatch;

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
        _queue.Submit(new Request(input, shape, outputs));
    }

    /// <summary>Only one batch runs at a time, so the batch input buffer is its alone.</summary>
    private void RunBatch(IReadOnlyList<Request> batch)
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

    private sealed record Request(float[] Input, long[] Shape, float[][] Outputs);
}
