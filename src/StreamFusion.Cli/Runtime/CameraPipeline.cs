using StreamFusion.Cli.Config;
using StreamFusion.Core.Pipeline;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Media.Stage;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Cli.Runtime;

/// <summary>
/// One camera's stages: decode → vision (when enabled) → consume. The consuming end counts what arrives, hands
/// analyses to an optional sink (the detect verb's writer) and releases pooled buffers; the audio, fusion and
/// Kafka stages take its place as they are built.
/// </summary>
public sealed class CameraPipeline : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly DecodeStage _decode;
    private readonly VisionAnalyzer? _vision;

    private CameraPipeline(CameraConfig camera, IMediaSource source, VisionAnalyzer? vision, Func<FrameAnalysis, ValueTask>? analysisSink)
    {
        Camera = camera;
        _vision = vision;
        _decode = new DecodeStage(source, camera.Pacing);
        _pipeline = new Pipeline($"camera '{camera.Id}'");
        var decoded = _pipeline.AddEdge<MediaItem>("decode→next", camera.Queues.Capacity, camera.Queues.Policy);
        _pipeline.AddBlockingSource("decode", stop => _decode.Run(decoded, stop), decoded);
        if (vision is null)
        {
            _pipeline.AddStage("consume", abort => ConsumeMediaAsync(decoded, abort));
            return;
        }
        var analysed = _pipeline.AddEdge<FrameAnalysis>("vision→consume", camera.Queues.Capacity, EdgePolicy.Wait);
        var stage = new VisionStage(vision, Counters.Count);
        _pipeline.AddStage("vision", abort => stage.RunAsync(decoded, analysed, abort), analysed);
        _pipeline.AddStage("consume", abort => ConsumeAnalysesAsync(analysed, analysisSink, abort));
    }

    public CameraConfig Camera { get; }
    public MediaInfo Info => _decode.Source.Info;
    public MediaCounters Counters { get; } = new();
    public IReadOnlyList<IPipelineEdge> Edges => _pipeline.Edges;
    public double Position => _decode.Position;
    public DecodeStats DecodeStats => _decode.Source.Stats;
    public long Dropped => _pipeline.TotalDropped;
    public string? InferenceProvider => _vision?.Provider;

    /// <summary>
    /// With inference in the pipeline, "auto" decoder threads means one: single-threaded decoding outpaces the
    /// detector many times over, and frame threading would take cores from inference and add frames of latency
    /// (measured by `bench vision`: 0.84-0.90 of inference-only fps with one thread, 0.82-0.83 with FFmpeg's auto).
    /// </summary>
    public static MediaSourceOptions DecodeOptions(MediaSourceOptions decode, bool withVision) =>
        withVision && decode.DecoderThreads == 0 ? decode with { DecoderThreads = 1 } : decode;

    /// <summary>Opens the camera's source and loads its models; media and model errors surface here, before any stage starts.</summary>
    public static CameraPipeline Open(CameraConfig camera, string resolvedUri, VisionSettings? vision,
        Func<FrameAnalysis, ValueTask>? analysisSink, Action<string> warn, CancellationToken stop)
    {
        var analyzer = vision is null ? null : VisionAnalyzer.Load(vision, warn);
        try
        {
            var source = MediaSource.Open(resolvedUri, DecodeOptions(camera.Decode, analyzer is not null), stop);
            return new CameraPipeline(camera, source, analyzer, analysisSink);
        }
        catch
        {
            analyzer?.Dispose();
            throw;
        }
    }

    public Task<PipelineOutcome> RunAsync(CancellationToken stop, TimeSpan drainTimeout) => _pipeline.RunAsync(stop, drainTimeout);

    /// <summary>After a run: a cut input is an error even though everything before the cut went through.</summary>
    public void ThrowIfInputTruncated()
    {
        if (_decode.Truncation is { } truncated) throw truncated;
    }

    private async Task ConsumeMediaAsync(PipelineEdge<MediaItem> input, CancellationToken abort)
    {
        await foreach (var item in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            using (item)
                Counters.Count(item);
        }
    }

    private async Task ConsumeAnalysesAsync(PipelineEdge<FrameAnalysis> input, Func<FrameAnalysis, ValueTask>? sink, CancellationToken abort)
    {
        await foreach (var analysis in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            Counters.Count(analysis);
            if (sink is not null) await sink(analysis).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _decode.Source.Dispose();
        _vision?.Dispose();
    }
}
