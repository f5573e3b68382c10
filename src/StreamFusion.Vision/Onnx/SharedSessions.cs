namespace StreamFusion.Vision.Onnx;

/// <summary>
/// One ONNX Runtime session per model and settings for a whole process: cameras that detect with the same model
/// share it (counted; the last one to let go disposes it) instead of each loading a copy with its own threads.
/// A batchable model whose session takes any batch gets a <see cref="BatchRunner"/>, so competing cameras' frames
/// run together.
/// </summary>
/// <param name="maxBatch">most frames per run; 1 turns batching off</param>
/// <param name="gatherWindow">how long a run waits for the other cameras' frames (zero: batches only form under load)</param>
public sealed class SharedSessions(int maxBatch = 8, TimeSpan gatherWindow = default)
{
    private readonly Dictionary<(string Path, OnnxSettings Settings), (OnnxModel Model, int Users)> _sessions = [];

    public int Count
    {
        get { lock (_sessions) return _sessions.Count; }
    }

    internal OnnxModel Acquire(string path, OnnxSettings settings, bool batchable, Func<OnnxModel> create)
    {
        var key = (System.IO.Path.GetFullPath(path), settings);
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(key, out var entry)) entry = (WithBatcher(create(), batchable), 0);
            _sessions[key] = (entry.Model, entry.Users + 1);
            var model = entry.Model;
            model.Batcher?.AddUser(1);
            return new OnnxModel(model.Session, model.Provider, model.Path, model.RunGate, () => Release(key)) { Batcher = model.Batcher };
        }
    }

    /// <summary>Average frames per run of each batching session, by model file name.</summary>
    public IReadOnlyDictionary<string, double> AverageBatches
    {
        get
        {
            lock (_sessions)
                return _sessions.Values.Where(e => e.Model.Batcher is not null)
                    .ToDictionary(e => System.IO.Path.GetFileName(e.Model.Path), e => e.Model.Batcher!.AverageBatch);
        }
    }

    /// <summary>
    /// One input whose only free dimension is the first (the batch), one output: frames can run together. (ONNX
    /// Runtime may still report the output's declared batch of 1 for an edited model; the output follows the input.)
    /// </summary>
    private OnnxModel WithBatcher(OnnxModel model, bool batchable)
    {
        if (!batchable || maxBatch < 2 || model.Session.InputMetadata.Count != 1 || model.Session.OutputMetadata.Count != 1) return model;
        var input = model.Session.InputMetadata.Values.Single().Dimensions;
        var output = model.Session.OutputMetadata.Values.Single().Dimensions;
        if (input is not [-1, .. var item] || output is not [-1 or 1, .. var outputItem] || item.Any(d => d <= 0) || outputItem.Any(d => d <= 0)) return model;
        var batcher = new BatchRunner(model.Session, item.Select(d => (long)d).ToArray(), outputItem.Aggregate(1, (a, b) => a * b), maxBatch, gatherWindow);
        return new OnnxModel(model.Session, model.Provider, model.Path, model.RunGate) { Batcher = batcher };
    }

    private void Release((string, OnnxSettings) key)
    {
        lock (_sessions)
        {
            var (model, users) = _sessions[key];
            model.Batcher?.AddUser(-1);
            if (users > 1)
            {
                _sessions[key] = (model, users - 1);
                return;
            }
            _sessions.Remove(key);
            model.Dispose();
        }
    }
}
