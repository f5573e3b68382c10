using Microsoft.Extensions.Logging;
using StreamFusion.Core.Assets;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Records;
using StreamFusion.Media;
using StreamFusion.Media.Live;
using StreamFusion.Speech.Pool;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Hosting.Cameras;

/// <summary>What every camera of a run opens with: the config, assets, shared inference, where results go.</summary>
/// <param name="AnalysisSink">every frame analysis, when the run fuses no records (the detect verb's writer)</param>
/// <param name="Records">where fused records go; null when the run fuses none</param>
internal sealed record CameraContext(PipelineConfig Config, AssetLocator Assets, InferenceSharing Sharing, SpeechSharing Speech,
    Func<string, FrameAnalysis, ValueTask>? AnalysisSink, IRecordSink? Records, StreamFusion.Audio.Features.Gpu.MfccDevices? Mfcc = null);

/// <summary>
/// Opens one camera: resolves its URI, models and transcript, then its source and models. A live camera that
/// cannot be reached at start is retried by the same <see cref="SourceRetry"/> rule that reconnects it once it
/// runs, while the other cameras run.
/// </summary>
internal sealed class CameraSupervisor
{
    private static readonly TimeSpan SlowOpenNotice = TimeSpan.FromSeconds(1);
    private readonly CameraConfig _camera;
    private readonly CameraContext _context;
    private readonly ILogger _logger;
    private readonly SourceRetry _retry;
    private MediaException? _firstFailure;

    public CameraSupervisor(CameraConfig camera, CameraContext context, ILogger logger)
    {
        (_camera, _context, _logger) = (camera, context, logger);
        Health = new CameraHealth(camera.Id, camera.Reconnect.Enabled ? logger : null);
        _retry = new SourceRetry(camera.Reconnect, Health);
    }

    public CameraHealth Health { get; }

    /// <summary>The first try: a bad input fails the run; a live camera not reachable yet gives null and is retried by <see cref="OpenWhenReachableAsync"/>.</summary>
    public async Task<CameraPipeline?> FirstOpenAsync(CancellationToken stop)
    {
        try
        {
            return await OpenAsync(stop);
        }
        catch (MediaException error) when (_camera.Reconnect.Enabled && SourceRetry.IsRetryable(error) && !stop.IsCancellationRequested)
        {
            Health.Set(CameraState.BackingOff, $"{error.Message}; retrying while the other cameras run");
            _firstFailure = error;
            return null;
        }
    }

    /// <returns>null when stopped first</returns>
    public Task<CameraPipeline?> OpenWhenReachableAsync(CancellationToken stop) =>
        _retry.OpenAsync(OpenAsync, _firstFailure?.Message ?? "not reachable", _firstFailure, stop);

    private async Task<CameraPipeline> OpenAsync(CancellationToken stop)
    {
        var (config, assets) = (_context.Config, _context.Assets);
        var uri = await assets.ResolveUriAsync(ResolveRelative(_camera.Uri, config.SourceFile), stop);
        var vision = _camera.Vision.Enabled ? await _camera.Vision.ResolveAsync(assets, stop) : null;
        var audio = _camera.Audio.Enabled ? await _camera.Audio.ResolveAsync(assets, stop) : null;
        var speech = _camera.Speech.Enabled && _context.Records is not null ? await _camera.Speech.ResolveAsync(assets, config.Fusion.Keywords, stop) : null;
        var transcript = _context.Records is not null && _camera.TranscriptFile is { } sidecar
            ? SubtitleFileReader.Read(await assets.ResolveUriAsync(ResolveRelative(sidecar, config.SourceFile), stop))
            : [];
        Func<FrameAnalysis, ValueTask>? sink = _context.AnalysisSink is { } analyses ? analysis => analyses(_camera.Id, analysis) : null;
        // Only a slow open of the source (a live stream waiting for a keyframe) is worth a line, not slow model
        // loading on a busy machine; quick failures stay one line.
        await using var slowOpenNotice = new Timer(_ => _logger.LogInformation("opening {Uri} (waiting for the stream)", MediaUri.RedactCredentials(uri)),
            null, SlowOpenNotice, Timeout.InfiniteTimeSpan);
        var pipeline = await Task.Run(() => CameraPipeline.Open(_camera, uri, vision, audio,
            speech is null ? null : () => _context.Speech.PoolFor(speech), sink, _context.Records, transcript, Health, _logger,
            _context.Sharing, _context.Mfcc, sourceOpened: () => slowOpenNotice.Change(Timeout.Infinite, Timeout.Infinite), stop), CancellationToken.None);
        var detecting = (pipeline.InferenceProvider is { } provider ? $"; detecting on {provider}{(pipeline.Preprocessing is "cpu" ? "" : ", frames letterboxed there")}" : "") +
                        (pipeline.VoiceActivity is { } vad ? $"; listening (VAD: {vad}{(pipeline.MfccDevice is "cpu" or null ? "" : $", MFCC on {pipeline.MfccDevice}")})" : "") +
                        (pipeline.SpeechEngine is { } engine ? $"; recognising speech ({engine})" : "");
        _logger.LogInformation("opened: {Media}{Analysis}", pipeline.Info.Summary(), detecting);
        return pipeline;
    }

    /// <summary>Relative file paths in a config file are relative to that file, not to the working directory.</summary>
    private static string ResolveRelative(string uri, string? configFile)
    {
        if (configFile is null || uri.StartsWith(AssetLocator.UriPrefix, StringComparison.Ordinal) || uri.Contains("://") || Path.IsPathRooted(uri))
            return uri;
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(configFile)!, uri));
    }
}
