using System.Runtime.InteropServices;

namespace StreamFusion.Inference;

/// <summary>One library ONNX Runtime's CUDA provider needs, and where it was found (null: not loadable).</summary>
public sealed record CudaLibrary(string Name, string Provides, string? Path);

/// <summary>
/// The CUDA libraries ONNX Runtime's GPU providers load at run time (ONNX Runtime 1.31: CUDA 13, cuDNN 9), looked up
/// the way the dynamic loader will (LD_LIBRARY_PATH, the ld.so cache), before a provider is tried: ONNX Runtime
/// itself reports a missing one on stderr, one library at a time, outside the log.
/// </summary>
public static class CudaLibraries
{
    private static readonly (string Name, string Provides, bool TensorRtOnly)[] Needed =
    [
        ("libcuda.so.1", "the NVIDIA driver", false),
        ("libcudart.so.13", "the CUDA 13 runtime", false),
        ("libcublas.so.13", "cuBLAS 13", false),
        ("libcublasLt.so.13", "cuBLASLt 13", false),
        ("libcurand.so.10", "cuRAND", false),
        ("libcudnn.so.9", "cuDNN 9", false),
        ("libnvinfer.so.10", "TensorRT 10", true),
        ("libnvonnxparser.so.10", "TensorRT 10's ONNX parser", true),
    ];

    private static readonly Lazy<IReadOnlyList<CudaLibrary>> Found = new(() => [.. Needed.Select(n => new CudaLibrary(n.Name, n.Provides, Locate(n.Name)))]);

    /// <summary>Every library either provider needs, found or not.</summary>
    public static IReadOnlyList<CudaLibrary> Probe() => Found.Value;

    /// <summary>What keeps the provider from starting on this machine; empty when everything is there.</summary>
    public static IReadOnlyList<CudaLibrary> MissingFor(DeviceKind provider) =>
        [.. Probe().Where((l, i) => l.Path is null && (provider == DeviceKind.TensorRt || !Needed[i].TensorRtOnly))];

    /// <summary>"libcuda.so.1 (the NVIDIA driver), libcudnn.so.9 (cuDNN 9)"</summary>
    public static string Describe(IEnumerable<CudaLibrary> libraries) => string.Join(", ", libraries.Select(l => $"{l.Name} ({l.Provides})"));

    private static string? Locate(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle)) return null;
        try
        {
            // Where the loader found it: the file mapped into this process under that name.
            return File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 6).Select(fields => fields[5])
                .FirstOrDefault(path => System.IO.Path.GetFileName(path).StartsWith(name, StringComparison.Ordinal)) ?? name;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }
}
