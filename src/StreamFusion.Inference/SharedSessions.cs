using StreamFusion.Inference.Preprocessing;

namespace StreamFusion.Inference;

/// <summary>
/// One ONNX Runtime session per model and settings for a whole process: cameras that detect with the same model
/// share it (counted; the last one to let go disposes it) instead of each loading a copy with its own threads.
/// Up to <see cref="RunSlots"/> runs of a session execute at once. A batchable model whose session takes any batch
/// gets a <see cref="BatchRunner"/> when batching is on, so competing cameras' frames (or sound windows) run together.
/// </summary>
/// <param name="maxBatch">most frames per run; 1 turns batching off; 0 = auto: 8 on a GPU, 1 on a CPU (where a
/// batch costs as much as its frames run one by one, and parallel runs do better)</param>
/// <param name="gatherWindow">how long a run waits for the other cameras' frames (zero: batches only form under load)</param>
/// <param name="parallelRuns">runs of one session at the same time; 0 = auto: on a CPU one per core (divided by
/// the threads each run uses), on a GPU one</param>
public sealed class SharedSessions(int maxBatch = 0, TimeSpan gatherWindow = default, int parallelRuns = 0)
{
    private readonly Dictionary<(string Path, OnnxSettings Settings, LetterboxOnDevice? Letterbox), (OnnxModel Model, int Users)> _sessions = [];

    public int Count
    {
        get { lock (_sessions) return _sessions.Count; }
    }

    /// <param name="create">loads the session; its argument says whether to make the model batch-free first</param>
    internal OnnxModel Acquire(string path, OnnxSettings settings, bool batchable, LetterboxOnDevice? letterbox, Func<bool, OnnxModel> create)
    {
        var key = (System.IO.Path.GetFullPath(path), settings, letterbox);
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(key, out var entry))
                entry = (Configure(create(batchable && MayBatch(settings)), settings, batchable, letterbox), 0);
            _sessions[key] = (entry.Model, entry.Users + 1);
            var model = entry.Model;
            model.Batcher?.AddUser(1);
            model.Letterbox?.AddUser(1);
            return new OnnxModel(model.Session, model.Provider, model.Path, model.Slots, () => Release(key)) { Batcher = model.Batcher, Letterbox = model.Letterbox };
        }
    }

    /// <summary>Average frames per run of each batching session, by model file name.</summary>
    public IReadOnlyDictionary<string, double> AverageBatches
    {
        get
        {
            lock (_sessions)
                return _sessions.Values.Where(e => e.Model.Batcher is not null || e.Model.Letterbox is { Batching: true })
                    .ToDictionary(e => System.IO.Path.GetFileName(e.Model.Path), e => e.Model.Batcher?.AverageBatch ?? e.Model.Letterbox!.AverageBatch);
        }
    }

    /// <summary>On a CPU by default: as many single-threaded runs as cores (fewer when each run takes several threads).</summary>
    public static int CpuParallelRuns(int intraOpThreads) =>
        intraOpThreads == 0 ? 1 : Math.Max(1, Environment.ProcessorCount / intraOpThreads);

    /// <summary>Whether a session with these settings may get a batcher: by default only where it may run on a GPU.</summary>
    private bool MayBatch(OnnxSettings settings) => maxBatch > 1
        || (maxBatch == 0 && settings.Device.Kind != DeviceKind.Cpu && (settings.Device.Kind != DeviceKind.Auto || OnnxSessionFactory.GpuProviders().Any()));

    /// <summary>The session's run slots, and its batcher or device letterbox (a letterbox asked for only on a GPU is left off on a CPU).</summary>
    private OnnxModel Configure(OnnxModel model, OnnxSettings settings, bool batchable, LetterboxOnDevice? letterbox)
    {
        var runs = parallelRuns > 0 ? parallelRuns : model.OnCpu ? CpuParallelRuns(settings.IntraOpThreads) : 1;
        var batch = maxBatch > 0 ? maxBatch : model.OnCpu ? 1 : 8;
        var slots = new RunSlots(runs);
        if (letterbox is not null && (!model.OnCpu || letterbox.EvenOnCpu))
        {
            var freeBatch = model.Session.InputMetadata.Values.Single().Dimensions is [-1, ..];
            return new OnnxModel(model.Session, model.Provider, model.Path, slots)
                { Letterbox = OnnxSessionFactory.CreateLetterbox(model, settings, letterbox.Spec, slots, freeBatch ? batch : 1, gatherWindow) };
        }
        return new OnnxModel(model.Session, model.Provider, model.Path, slots) { Batcher = batchable ? Batcher(model, batch) : null };
    }

    /// <summary>
    /// A batcher of up to <paramref name="batch"/> items, for a model with one input whose first dimension is free (the
    /// batch); else null. Where the rest of the input's shape is free too, each caller gives its item's. (ONNX Runtime
    /// may report an edited model's declared output batch of 1; the outputs follow the input.)
    /// </summary>
    private BatchRunner? Batcher(OnnxModel model, int batch)
    {
        if (batch < 2 || model.Session.InputMetadata.Count != 1) return null;
        if (model.Session.InputMetadata.Values.Single().Dimensions is not [-1, .. var item]) return null;
        return new BatchRunner(model.Session, item.All(d => d > 0) ? item.Select(d => (long)d).ToArray() : null, batch, gatherWindow);
    }

    private void Release((string, OnnxSettings, LetterboxOnDevice?) key)
    {
        lock (_sessions)
        {
            var (model, users) = _sessions[key];
            model.Batcher?.AddUser(-1);
            model.Letterbox?.AddUser(-1);
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
