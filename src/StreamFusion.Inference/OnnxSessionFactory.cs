using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using StreamFusion.Inference.Preprocessing;

namespace StreamFusion.Inference;

/// <summary>Session settings shared by every model of a pipeline.</summary>
public sealed record OnnxSettings
{
    public InferenceDevice Device { get; init; } = InferenceDevice.Auto;
    /// <summary>Threads inside one run; 0 lets ONNX Runtime use every core. One is best for throughput on a CPU (runs go side by side instead).</summary>
    public int IntraOpThreads { get; init; } = 1;
    public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>"none", "basic", "extended" or "all" (the default).</summary>
    public static bool TryParseOptimization(string text, out GraphOptimizationLevel level)
    {
        level = text.Trim().ToLowerInvariant() switch
        {
            "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
            "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
            _ => (GraphOptimizationLevel)(-1),
        };
        return level >= 0;
    }
}

/// <summary>
/// A created session and the execution provider that actually runs it. Several users may hold the same session
/// (<see cref="SharedSessions"/>: cameras, and the parallel detectors of one camera): at most <see cref="Slots"/>
/// runs execute at once, so the cores are shared out instead of fought over, and the model is in memory once.
/// </summary>
public sealed class OnnxModel(InferenceSession session, string provider, string path, RunSlots? slots = null, Action? release = null) : IDisposable
{
    public InferenceSession Session => session;
    public string Provider => provider;
    public bool OnCpu => provider == CpuProvider;
    public string Path => path;
    public RunSlots Slots { get; } = slots ?? new RunSlots(1);

    public const string CpuProvider = "CPUExecutionProvider";
    /// <summary>Set when the session is shared and takes any batch: cameras' frames run together through it.</summary>
    public BatchRunner? Batcher { get; init; }
    /// <summary>Set when frames are letterboxed on the model's device (then <see cref="Batcher"/> is not used).</summary>
    public DeviceLetterbox? Letterbox { get; init; }

    public void Dispose()
    {
        if (release is not null) release();
        else
        {
            Letterbox?.Dispose();
            session.Dispose();
        }
    }
}

/// <summary>
/// Creates sessions on the requested device. "auto" tries the GPU providers this ONNX Runtime build offers and
/// falls back to CPU with a warning; an explicit GPU device that is not available is an error.
/// </summary>
public static class OnnxSessionFactory
{
    public static IReadOnlyList<string> AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>GPU execution providers, best first: "auto" tries those this ONNX Runtime build offers, in this order.</summary>
    private static readonly (string Provider, DeviceKind Kind)[] GpuCandidates =
        [("TensorrtExecutionProvider", DeviceKind.TensorRt), ("CUDAExecutionProvider", DeviceKind.Cuda)];

    /// <summary>The GPU execution providers this ONNX Runtime build offers, best first.</summary>
    public static IEnumerable<string> GpuProviders() => GpuCandidates.Select(c => c.Provider).Where(AvailableProviders().Contains);

    /// <param name="shared">when set, a session with the same model and settings is reused rather than created</param>
    /// <param name="batchable">a shared session of this model may run several frames at once (made batch-free if batching is on)</param>
    /// <param name="letterbox">frames are to be letterboxed on the model's device (where it lands on one, or always);
    /// needs <paramref name="shared"/></param>
    public static OnnxModel Create(string path, OnnxSettings settings, ILogger? logger = null, SharedSessions? shared = null, bool batchable = false,
        LetterboxOnDevice? letterbox = null)
    {
        if (shared is null)
            return letterbox is null ? Create(path, settings, logger, model: null) : throw new ArgumentException("a device letterbox needs shared sessions");
        if (!File.Exists(path)) throw new ModelException($"model file not found: {path}");
        return shared.Acquire(path, settings, batchable, letterbox, batchFree =>
            Create(path, settings, logger, batchFree ? DynamicBatch.TryRewrite(File.ReadAllBytes(path)) : null));
    }

    /// <summary>The letterbox graph for <paramref name="model"/>'s input, in a session on the same device.</summary>
    internal static DeviceLetterbox CreateLetterbox(OnnxModel model, OnnxSettings settings, LetterboxSpec spec, RunSlots slots, int maxBatch, TimeSpan gatherWindow)
    {
        var size = model.Session.InputMetadata.Single().Value.Dimensions[^1];
        // On TensorRT too, the letterbox runs on CUDA (in the same build): an engine per frame size would gain nothing.
        var device = model.OnCpu ? InferenceDevice.Cpu
            : new InferenceDevice(DeviceKind.Cuda, settings.Device.Kind is DeviceKind.Cuda or DeviceKind.TensorRt ? settings.Device.Index : 0);
        var graph = new InferenceSession(LetterboxGraph.Build(spec, size), Options(settings, device));
        var memory = model.OnCpu ? OrtMemoryInfo.DefaultInstance
            : new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device.Index, OrtMemType.Default);
        return new DeviceLetterbox(graph, model.Session, model.Provider, memory, slots, maxBatch, gatherWindow);
    }

    /// <param name="model">the model's bytes when edited in memory (a free batch); null loads the file as it is</param>
    private static OnnxModel Create(string path, OnnxSettings settings, ILogger? logger, byte[]? model)
    {
        InferenceSession Session(SessionOptions options) => model is null ? new InferenceSession(path, options) : new InferenceSession(model, options);
        if (!File.Exists(path)) throw new ModelException($"model file not found: {path}");
        var available = AvailableProviders();
        var candidates = settings.Device.Kind switch
        {
            DeviceKind.Cpu => [],
            DeviceKind.Cuda => [("CUDAExecutionProvider", settings.Device)],
            DeviceKind.TensorRt => [("TensorrtExecutionProvider", settings.Device)],
            _ => GpuCandidates.Where(c => available.Contains(c.Provider)).Select(c => (c.Provider, new InferenceDevice(c.Kind, 0))).ToArray(),
        };
        var (unable, lacking) = (new List<string>(), new List<CudaLibrary>()); // auto: the GPU providers on offer that cannot run here, and why
        foreach (var (provider, device) in candidates)
        {
            if (!available.Contains(provider))
                throw new DeviceUnavailableException(
                    $"--device {device}: this ONNX Runtime build has no {provider} (it offers {string.Join(", ", available)}); build with -p:OnnxRuntimeGpu=true where the GPU package is available, or use --device cpu");
            if (CudaLibraries.MissingFor(device.Kind) is { Count: > 0 } missing)
            {
                if (settings.Device.Kind != DeviceKind.Auto)
                    throw new DeviceUnavailableException($"--device {device}: {provider} needs {CudaLibraries.Describe(missing)}, not found (LD_LIBRARY_PATH, ld.so cache)");
                unable.Add(provider);
                lacking.AddRange(missing.Except(lacking));
                continue;
            }
            try
            {
                return new OnnxModel(Session(Options(settings, device)), provider, path);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                if (settings.Device.Kind != DeviceKind.Auto)
                    throw new DeviceUnavailableException($"--device {device}: {provider} could not start: {FirstLine(e.Message)}");
                logger?.LogWarning("{Provider} could not start ({Reason}); trying the next provider", provider, FirstLine(e.Message));
            }
        }
        if (settings.Device.Kind == DeviceKind.Auto && unable.Count > 0)
            logger?.LogWarning("no GPU to run on: {Providers} need {Libraries}, not found (LD_LIBRARY_PATH, ld.so cache); running {Model} on CPU",
                string.Join(" and ", unable), CudaLibraries.Describe(lacking), System.IO.Path.GetFileName(path));
        else if (settings.Device.Kind == DeviceKind.Auto)
            logger?.LogWarning("no GPU execution provider available (ONNX Runtime offers {Providers}); running {Model} on CPU", string.Join(", ", available), System.IO.Path.GetFileName(path));
        try
        {
            return new OnnxModel(Session(Options(settings, InferenceDevice.Cpu)), OnnxModel.CpuProvider, path);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException($"cannot load model {path}: {FirstLine(e.Message)}");
        }
    }

    private static SessionOptions Options(OnnxSettings settings, InferenceDevice device)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.Optimization,
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // The runtime's own warnings go straight to stderr, outside the log format (e.g. a model whose declared
            // output rank differs from what it computes); what matters is reported through exceptions and our log.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        switch (device.Kind)
        {
            case DeviceKind.Cuda: options.AppendExecutionProvider_CUDA(device.Index); break;
            case DeviceKind.TensorRt: options.AppendExecutionProvider_Tensorrt(device.Index); break;
        }
        return options;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
