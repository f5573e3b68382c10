using BenchmarkDotNet.Attributes;
using StreamFusion.Core.Assets;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Detection;
using StreamFusion.Inference;

namespace StreamFusion.Benchmarks;

/// <summary>
/// The per-frame path from the decoder to the model's input tensor, one frame per operation: decoding alone
/// (the baseline), then decoding and letterboxing into the tensor. MemoryDiagnoser's "Allocated" column is the
/// managed memory allocated per frame in steady state (expected: none). Each iteration reads frames of a freshly
/// opened vtest_480x360.avi; opening, and the first frames that fill the frame pool, happen in the setup.
/// </summary>
[MemoryDiagnoser]
public class FramePathBenchmarks
{
    private const int FramesPerIteration = 300;
    private readonly AssetLocator _assets = AssetLocator.FromEnvironment();
    private IMediaSource? _source;
    private YoloxDetector? _detector;

    [GlobalSetup]
    public void LoadModel()
    {
        _detector = YoloxDetector.Load(new DetectorSettings
        {
            ModelPath = Asset("models/yolox_nano.onnx"),
            LabelsPath = Asset("models/coco_classes.txt"),
        }, new OnnxSettings { Device = InferenceDevice.Cpu });
    }

    [IterationSetup]
    public void OpenSource()
    {
        _source = MediaSource.Open(Asset("media/vtest_480x360.avi"), new MediaSourceOptions { Audio = false, Subtitles = false, DecoderThreads = 1 });
        for (var i = 0; i < 10; i++) Preprocess((VideoFrame)_source.ReadNext()!);
    }

    [IterationCleanup]
    public void CloseSource() => _source?.Dispose();

    [GlobalCleanup]
    public void UnloadModel() => _detector?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = FramesPerIteration)]
    public void Decode()
    {
        for (var i = 0; i < FramesPerIteration; i++)
            _source!.ReadNext()!.Dispose();
    }

    [Benchmark(OperationsPerInvoke = FramesPerIteration)]
    public void DecodeAndPreprocess()
    {
        for (var i = 0; i < FramesPerIteration; i++) Preprocess((VideoFrame)_source!.ReadNext()!);
    }

    private void Preprocess(VideoFrame frame)
    {
        using (frame) _detector!.Preprocess(frame.Pixels.Span, frame.Width, frame.Height);
    }

    private string Asset(string name) =>
        _assets.TryFind(name) ?? throw new FileNotFoundException($"{name} not found in {string.Join(", ", _assets.Directories)}; set ${AssetLocator.EnvironmentVariable}");
}
