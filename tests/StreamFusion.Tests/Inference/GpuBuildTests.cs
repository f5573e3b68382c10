using StreamFusion.Inference;

namespace StreamFusion.Tests.Inference;

/// <summary>
/// The GPU build (-p:OnnxRuntimeGpu=true), run by scripts/test.sh with --filter Category=GpuBuild on a machine without
/// a GPU: its providers are there, and what they lack here is named once, never as ONNX Runtime's own stderr errors.
/// </summary>
[Trait("Category", "GpuBuild")]
public class GpuBuildTests
{
    private static readonly bool CudaHere = CudaLibraries.MissingFor(DeviceKind.Cuda).Count == 0;

    [Fact]
    public void The_gpu_build_offers_tensorrt_and_cuda_best_first()
    {
        Assert.Equal(["TensorrtExecutionProvider", "CUDAExecutionProvider"], OnnxSessionFactory.GpuProviders());
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_with_one_warning_naming_the_missing_cuda_libraries()
    {
        var result = Processes.Cli("detect", TestAssets.Media("grid_swwp2s.mpg"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.DoesNotContain("onnxruntime:", result.Stderr); // the runtime's own error lines
        if (CudaHere)
        {
            Assert.Contains("detecting on CUDAExecutionProvider, frames letterboxed there", result.Stderr);
            return;
        }
        var warning = Assert.Single(result.Stderr.Split('\n'), l => l.Contains("warning"));
        Assert.Contains("no GPU to run on: TensorrtExecutionProvider and CUDAExecutionProvider need", warning);
        foreach (var missing in CudaLibraries.MissingFor(DeviceKind.TensorRt)) Assert.Contains(missing.Name, warning);
        Assert.Contains("running yolox_nano.onnx on CPU", warning);
        Assert.Contains("detecting on CPUExecutionProvider", result.Stderr);
        Assert.DoesNotContain("letterboxed there", result.Stderr); // the letterbox stays with OpenCV on a CPU
    }

    [Fact]
    public void An_explicit_cuda_device_without_its_libraries_exits_5_naming_them_in_one_line()
    {
        var result = Processes.Cli("detect", TestAssets.Media("grid_swwp2s.mpg"), "--device", "cuda");
        if (CudaHere)
        {
            Assert.True(result.ExitCode == 0, result.Stderr); // a machine with CUDA runs it
            return;
        }

        Assert.Equal(5, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith("error: --device cuda:0: CUDAExecutionProvider needs ", line);
        Assert.DoesNotContain("onnxruntime:", result.Stderr);
        Assert.Contains("libcudart.so.13 (the CUDA 13 runtime)", line);
        Assert.DoesNotContain("TensorRT", line); // CUDA alone does not need it
    }

    [Fact]
    public void Doctor_says_which_cuda_libraries_it_found_and_where()
    {
        var result = Processes.Cli("doctor");

        foreach (var library in CudaLibraries.Probe())
            Assert.Matches(library.Path is { } path ? $@"ok +cuda {library.Name} +{System.Text.RegularExpressions.Regex.Escape(path)}" : $@"warn +cuda {library.Name} +not found", result.Stdout);
        Assert.Contains("providers: TensorrtExecutionProvider, CUDAExecutionProvider, CPUExecutionProvider", result.Stdout);
    }
}
