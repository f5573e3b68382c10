using StreamFusion.Cli.Config;
using StreamFusion.Core.Pipeline;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Media.Stage;

namespace StreamFusion.Cli.Runtime;

/// <summary>
/// One camera's stages: decode → consume. The consuming end counts what arrives and releases pooled buffers;
/// the vision, audio, fusion and Kafka stages take its place as they are built.
/// </summary>
public sealed class CameraPipeline : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly DecodeStage _decode;

    private CameraPipeline(CameraConfig camera, IMediaSource source)
    {
        Camera = camera;
        _decode = new DecodeStage(source, camera.Pacing);
        _pipeline = new Pipeline($"camera '{camera.Id}'");
        var decoded = _pipeline.AddEdge<MediaItem>("decode→consume", camera.Queues.Capacity, camera.Queues.Policy);
        _pipeline.AddBlockingSource("decode", stop => _decode.Run(decoded, stop), decoded);
        _pipeline.AddStage("consume", abort => ConsumeAsync(decoded, abort));
    }

    public CameraConfig Camera { get; }
    public MediaInfo Info => _decode.Source.Info;
    public MediaCounters Counters { get; } = new();
    public IReadOnlyList<IPipelineEdge> Edges => _pipeline.Edges;
    public double Position => _decode.Position;
    public DecodeStats DecodeStats => _decode.Source.Stats;
    public long Dropped => _pipeline.TotalDropped;

    /// <summary>Opens the camera's source; media errors surface here, before any stage starts.</summary>
    public static CameraPipeline Open(CameraConfig camera, string resolvedUri, CancellationToken stop) =>
        new(camera, MediaSource.Open(resolvedUri, camera.Decode, stop));

    public Task<PipelineOutcome> RunAsync(CancellationToken stop, TimeSpan drainTimeout) => _pipeline.RunAsync(stop, drainTimeout);

    /// <summary>After a run: a cut input is an error even though everything before the cut went through.</summary>
    public void ThrowIfInputTruncated()
    {
        if (_decode.Truncation is { } truncated) throw truncated;
    }

    private async Task ConsumeAsync(PipelineEdge<MediaItem> input, CancellationToken abort)
    {
        await foreach (var item in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            using (item)
                Counters.Count(item);
        }
    }

    public void Dispose() => _decode.Source.Dispose();
}
