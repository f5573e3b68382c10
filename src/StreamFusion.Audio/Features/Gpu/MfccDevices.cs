using StreamFusion.Inference;

namespace StreamFusion.Audio.Features.Gpu;

/// <summary>
/// Where the cameras of a process compute MFCC (<c>audio.mfcc.device</c>): "cpu" is the managed SIMD path, one
/// camera at a time on its own thread; "cuda[:N]" is the <see cref="GpuMfcc"/> kernels on that GPU, one instance
/// per MFCC settings for every camera, behind a <see cref="MfccBatcher"/>; "auto" is CUDA device 0 when ILGPU finds
/// one (the NVIDIA driver is all it needs), else the CPU path. A GPU asked for by name and not there is an error.
/// </summary>
/// <param name="open">opens the kernels for the settings on the device, or says why it cannot (tests open them on
/// ILGPU's CPU accelerator); by default CUDA</param>
public sealed class MfccDevices(Func<MfccSettings, InferenceDevice, (GpuMfcc? Gpu, string? WhyNot)>? open = null) : IDisposable
{
    private readonly Func<MfccSettings, InferenceDevice, (GpuMfcc?, string?)> _open = open ?? ((settings, device) => TryOpenCuda(settings, device.Index));
    private readonly Dictionary<(MfccSettings, int), MfccBatcher?> _opened = [];

    /// <returns>the batcher every camera with these settings shares; null: compute on the CPU</returns>
    public MfccBatcher? For(MfccSettings settings, InferenceDevice device)
    {
        if (device.Kind == DeviceKind.Cpu) return null;
        if (device.Kind == DeviceKind.TensorRt) throw new DeviceUnavailableException($"audio.mfcc.device {device}: MFCC runs on cuda[:N], auto or cpu, not on TensorRT");
        lock (_opened)
        {
            if (_opened.TryGetValue((settings, device.Index), out var batcher)) return batcher;
            var (gpu, whyNot) = _open(settings, device);
            if (gpu is null && device.Kind == DeviceKind.Cuda) throw new DeviceUnavailableException($"audio.mfcc.device {device}: {whyNot}");
            return _opened[(settings, device.Index)] = gpu is null ? null : new MfccBatcher(gpu);
        }
    }

    /// <summary>MFCC runs per batch so far, by device: frames of how many cameras' pushes went together, on average.</summary>
    public IReadOnlyDictionary<string, double> AverageBatches
    {
        get { lock (_opened) return _opened.Values.OfType<MfccBatcher>().GroupBy(b => b.Device).ToDictionary(g => g.Key, g => g.Average(b => b.AverageBatch)); }
    }

    /// <summary>The kernels on CUDA device <paramref name="index"/>, or why they cannot run there.</summary>
    public static (GpuMfcc? Gpu, string? WhyNot) TryOpenCuda(MfccSettings settings, int index)
    {
        if (CudaLibraries.Probe()[0] is { Path: null } driver) return (null, $"{CudaLibraries.Describe([driver])} not found (LD_LIBRARY_PATH, ld.so cache)");
        try
        {
            return GpuMfcc.OnCuda(settings, index) is { } gpu ? (gpu, null) : (null, $"no CUDA device {index} (ILGPU looks through the NVIDIA driver, libcuda.so.1)");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            return (null, $"the CUDA driver could not be used: {e.GetBaseException().Message.Split('\n')[0]}");
        }
    }

    public void Dispose()
    {
        lock (_opened)
        {
            foreach (var batcher in _opened.Values) batcher?.Dispose();
            _opened.Clear();
        }
    }
}
