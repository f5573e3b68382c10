using Microsoft.ML.OnnxRuntime;

namespace StreamFusion.Inference.Preprocessing;

/// <summary>
/// A model that takes a letterboxed image, fed with raw frames: the letterbox graph runs in a session on the model's
/// own device, its result stays there as the model's input. Shared like the model's session: with batching, every
/// camera's frames of the same size run together through one queue; without, each user runs its own frames under
/// the session's run slots.
/// </summary>
public sealed class DeviceLetterbox : IDisposable
{
    private readonly BatchQueue<FrameRequest>? _queue;
    private readonly LetterboxedRun? _batchRun;
    private readonly RunSlots _slots;

    internal DeviceLetterbox(InferenceSession graph, InferenceSession model, string provider, OrtMemoryInfo deviceMemory,
        RunSlots slots, int maxBatch, TimeSpan gatherWindow)
    {
        (Graph, Model, Provider, DeviceMemory, _slots) = (graph, model, provider, deviceMemory, slots);
        var input = model.InputMetadata.Single();
        var output = model.OutputMetadata.First();
        (ModelInput, ModelOutput) = (input.Key, output.Key);
        InputSize = input.Value.Dimensions[^1];
        OutputItemShape = [.. output.Value.Dimensions.Skip(1).Select(d => (long)d)];
        OutputLength = (int)OutputItemShape.Aggregate(1L, (a, b) => a * b);
        if (maxBatch < 2) return;
        _batchRun = new LetterboxedRun(this);
        _queue = new BatchQueue<FrameRequest>(maxBatch, gatherWindow, _batchRun.Run, (a, b) => a.Width == b.Width && a.Height == b.Height);
    }

    internal InferenceSession Graph { get; }
    internal InferenceSession Model { get; }
    internal OrtMemoryInfo DeviceMemory { get; }
    internal string ModelInput { get; }
    internal string ModelOutput { get; }
    internal long[] OutputItemShape { get; }
    /// <summary>Floats of the model's output per frame.</summary>
    internal int OutputLength { get; }
    /// <summary>The model's square input size.</summary>
    internal int InputSize { get; }

    /// <summary>Where the letterbox runs (the model's execution provider).</summary>
    public string Provider { get; }
    public bool Batching => _queue is not null;
    /// <summary>Frames per run, on average so far.</summary>
    public double AverageBatch => _queue?.AverageBatch ?? 1;

    internal void AddUser(int change) => _queue?.AddUser(change);

    /// <summary>A user's handle: runs its frames, batched with other users' when batching is on.</summary>
    public Runner OpenRunner() => new(this);

    public void Dispose()
    {
        _batchRun?.Dispose();
        Graph.Dispose();
        if (!ReferenceEquals(DeviceMemory, OrtMemoryInfo.DefaultInstance)) DeviceMemory.Dispose();
    }

    public sealed class Runner : IDisposable
    {
        private readonly DeviceLetterbox _letterbox;
        private readonly LetterboxedRun? _own;

        internal Runner(DeviceLetterbox letterbox)
        {
            _letterbox = letterbox;
            if (letterbox._queue is null) _own = new LetterboxedRun(letterbox);
        }

        /// <summary>Fills the request's output with the model's output for its frame; returns when done.</summary>
        public void Run(FrameRequest request)
        {
            if (_letterbox._queue is { } queue)
            {
                queue.Submit(request);
                return;
            }
            using (_letterbox._slots.Enter()) _own!.Run([request]);
        }

        public void Dispose() => _own?.Dispose();
    }
}
