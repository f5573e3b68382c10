using Microsoft.Extensions.Logging;
using StreamFusion.Audio.Features.Gpu;
using StreamFusion.Core.Assets;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Records;
using StreamFusion.Inference;
using StreamFusion.Speech.Pool;
using StreamFusion.Vision.Motion;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Hosting;

/// <summary>
/// What every camera of a process shares, for a pipeline run and a fleet worker alike: inference sessions and the
/// detection budget, the speech engines, the MFCC kernels, and record delivery; published on <see cref="RunningCameras"/>
/// for metrics and health as they come up.
/// </summary>
internal sealed class RunResources : IAsyncDisposable
{
    private readonly SpeechSharing _speech;
    private readonly MfccDevices _mfcc;

    public RunResources(PipelineConfig config, StreamFusionOptions options, RunningCameras running, ILogger logger)
    {
        var inference = config.Inference;
        var sharing = new InferenceSharing(inference.ShareSessions ? new SharedSessions(inference.MaxBatch, inference.BatchWait, inference.ParallelRuns) : null,
            inference.MaxDetectFps > 0 ? new DetectionBudget(inference.MaxDetectFps) : null);
        running.Sharing = sharing;
        running.Speech = _speech = new SpeechSharing(config.SpeechThreads);
        running.Mfcc = _mfcc = new MfccDevices();
        Delivery = config.FusesRecords ? new RecordDelivery(config.Fusion, config.RecordsFile, config.Kafka, logger, options.RecordObserver, config.Evidence) : null;
        Context = new CameraContext(config, options.Assets ?? AssetLocator.FromEnvironment(config.AssetDirectory), sharing, _speech, options.AnalysisSink, Delivery, _mfcc);
    }

    public CameraContext Context { get; }
    public RecordDelivery? Delivery { get; }

    public async ValueTask DisposeAsync()
    {
        if (Delivery is not null) await Delivery.DisposeAsync();
        _mfcc.Dispose();
        _speech.Dispose();
    }
}
