using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StreamFusion.Inference.Preprocessing;

/// <summary>A frame to detect in: BGR24 rows of width*3 bytes, pinned by the caller until its run returns, and where its results go.</summary>
public sealed record FrameRequest(nint Pixels, int Width, int Height, float[] Output);

/// <summary>
/// Runs the letterbox graph and then the model on a batch of same-size frames, with IO binding: the frames go up as
/// bytes, the letterboxed image is left on the device (bound there as the model's input), and only the model's
/// output comes back, into a pinned buffer. Buffers and bindings are reused; one batch at a time.
/// </summary>
internal sealed unsafe class LetterboxedRun(DeviceLetterbox letterbox) : IDisposable
{
    private readonly OrtIoBinding _letterboxBinding = letterbox.Graph.CreateIoBinding();
    private readonly OrtIoBinding _modelBinding = letterbox.Model.CreateIoBinding();
    private readonly RunOptions _runOptions = new();
    private readonly long[] _resizeTo = new long[4], _padTo = new long[8];
    private byte[] _batchPixels = [];
    private float[] _batchOutput = [];

    public void Run(IReadOnlyList<FrameRequest> batch)
    {
        var (width, height, count) = (batch[0].Width, batch[0].Height, batch.Count);
        LetterboxGraph.Sizes(count, width, height, letterbox.InputSize, _resizeTo, _padTo);

        var frameBytes = (long)width * height * 3;
        var pixels = batch[0].Pixels;
        if (count > 1)
        {
            if (_batchPixels.LongLength < count * frameBytes) _batchPixels = GC.AllocateUninitializedArray<byte>((int)(count * frameBytes), pinned: true);
            pixels = (nint)Unsafe.AsPointer(ref _batchPixels[0]);
            for (var i = 0; i < count; i++) Buffer.MemoryCopy((void*)batch[i].Pixels, (byte*)pixels + i * frameBytes, frameBytes, frameBytes);
        }
        var each = letterbox.OutputLength;
        if (_batchOutput.Length < count * each) _batchOutput = GC.AllocateUninitializedArray<float>(count * each, pinned: true);

        using var frames = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.UInt8, [count, height, width, 3], pixels, count * frameBytes);
        using var resizeTo = OrtValue.CreateTensorValueFromMemory(_resizeTo, [4]);
        using var padTo = OrtValue.CreateTensorValueFromMemory(_padTo, [8]);
        _letterboxBinding.BindInput(LetterboxGraph.Frames, frames);
        _letterboxBinding.BindInput(LetterboxGraph.ResizeTo, resizeTo);
        _letterboxBinding.BindInput(LetterboxGraph.PadTo, padTo);
        _letterboxBinding.BindOutputToDevice(LetterboxGraph.Image, letterbox.DeviceMemory);
        letterbox.Graph.RunWithBinding(_runOptions, _letterboxBinding);

        using var images = _letterboxBinding.GetOutputValues();
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batchOutput.AsMemory(0, count * each), [count, .. letterbox.OutputItemShape]);
        _modelBinding.BindInput(letterbox.ModelInput, images[0]);
        _modelBinding.BindOutput(letterbox.ModelOutput, output);
        letterbox.Model.RunWithBinding(_runOptions, _modelBinding);
        for (var i = 0; i < count; i++) _batchOutput.AsSpan(i * each, each).CopyTo(batch[i].Output);
    }

    public void Dispose()
    {
        _letterboxBinding.Dispose();
        _modelBinding.Dispose();
        _runOptions.Dispose();
    }
}
