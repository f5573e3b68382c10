using System.Diagnostics;
using StreamFusion.Cli.Config;
using StreamFusion.Cli.Output;
using StreamFusion.Core.Assets;
using StreamFusion.Core.Pipeline;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Media;
using StreamFusion.Media.Live;
using StreamFusion.Vision.Motion;
using StreamFusion.Inference;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Cli.Runtime;

/// <summary>
/// Runs every camera of a pipeline config concurrently, with progress, until the sources end or a stop.
/// Every camera is opened first, so a bad input or model fails the run before anything starts; a live camera
/// that cannot be reached yet keeps trying in the background while the others run. Once running, a camera
/// that fails does not stop the others: its error is logged and reported when they are done.
/// </summary>
public static class PipelineRunner
{
    private static readonly TimeSpan SlowOpenNotice = TimeSpan.FromSeconds(1);

    /// <param name="analysisSink">receives every camera's frame analyses (the detect verb's writer)</param>
    /// <param name="records">when set, cameras fuse their windows into records for it; it starts once every camera is open</param>
    /// <param name="running">the cameras as they open and run (for metrics and health); a new set when null</param>
    public static async Task<PipelineOutcome> RunAsync(PipelineConfig config, AssetLocator assets, CancellationToken stop,
        Func<CameraConfig, FrameAnalysis, ValueTask>? analysisSink = null, RecordOutputs? records = null, RunningCameras? running = null)
    {
        running ??= new RunningCameras();
        var inference = config.Inference;
        var sharing = new InferenceSharing(inference.ShareSessions ? new SharedSessions(inference.MaxBatch, inference.BatchWait, inference.ParallelRuns) : null,
            inference.MaxDetectFps > 0 ? new DetectionBudget(inference.MaxDetectFps) : null);
        running.Sharing = sharing;
        var log = (Action<string>)Console.Error.WriteLine;
        foreach (var camera in config.Cameras) running.Expect(camera.Id, new CameraHealth(camera.Id, camera.Reconnect.Enabled ? log : null));
        var health = running.Health.ToDictionary(h => h.Camera);
        var opening = config.Cameras.Select(camera => FirstOpenAsync(camera, health[camera.Id], config, assets, analysisSink, records, sharing, stop)).ToList();
        try
        {
            await Task.WhenAll(opening);
        }
        catch (MediaAbortedException) when (stop.IsCancellationRequested)
        {
            DisposeOpened(opening);
            return PipelineOutcome.Drained;
        }
        catch
        {
            DisposeOpened(opening);
            throw;
        }
        var opened = new List<CameraPipeline>();
        var failures = new List<Exception>();
        try
        {
            records?.Start(running);
            var clock = Stopwatch.StartNew();
            using var finished = new CancellationTokenSource();
            var progress = new ProgressReporter(running, config.StatsInterval, interactive: !Console.IsErrorRedirected && !Console.IsOutputRedirected,
                records is null ? null : records.Status);
            var progressTask = progress.RunAsync(finished.Token);
            var runs = config.Cameras.Select(async (camera, i) =>
            {
                var pipeline = opening[i].Result ?? await OpenWhenReachableAsync(camera, health[camera.Id], config, assets, analysisSink, records, sharing, stop);
                if (pipeline is null) return PipelineOutcome.Drained;
                lock (opened) opened.Add(pipeline);
                running.Opened(pipeline);
                try
                {
                    var outcome = await pipeline.RunAsync(stop, config.DrainTimeout);
                    ProgressReporter.PrintSummary(pipeline, outcome.ToString().ToLowerInvariant(), clock.Elapsed);
                    pipeline.ThrowIfInputTruncated();
                    return outcome;
                }
                catch (Exception error) when (config.Cameras.Count > 1)
                {
                    // The other cameras go on; the error is the run's result once they are done.
                    Console.Error.WriteLine($"[{camera.Id}] stopped by an error: {error.Message}");
                    lock (failures) failures.Add(error);
                    return PipelineOutcome.Completed;
                }
            }).ToList();
            try
            {
                var outcomes = await Task.WhenAll(runs);
                if (failures.Count > 0) throw failures[0];
                return outcomes.Max();
            }
            finally
            {
                await finished.CancelAsync();
                await progressTask;
            }
        }
        finally
        {
            foreach (var camera in opened) camera.Dispose();
        }
    }

    /// <returns>null for a live camera that is not reachable yet (it is retried once the others run)</returns>
    private static async Task<CameraPipeline?> FirstOpenAsync(CameraConfig camera, CameraHealth health, PipelineConfig config, AssetLocator assets,
        Func<CameraConfig, FrameAnalysis, ValueTask>? analysisSink, RecordOutputs? records, InferenceSharing sharing, CancellationToken stop)
    {
        try
        {
            return await OpenAsync(camera, health, config, assets, analysisSink, records, sharing, stop);
        }
        catch (MediaException error) when (camera.Reconnect.Enabled && IsRetryable(error) && !stop.IsCancellationRequested)
        {
            health.Set(CameraState.BackingOff, $"{error.Message}; retrying while the other cameras run");
            return null;
        }
    }

    /// <returns>null when stopped first</returns>
    private static async Task<CameraPipeline?> OpenWhenReachableAsync(CameraConfig camera, CameraHealth health, PipelineConfig config, AssetLocator assets,
        Func<CameraConfig, FrameAnalysis, ValueTask>? analysisSink, RecordOutputs? records, InferenceSharing sharing, CancellationToken stop)
    {
        var jitter = new Random();
        for (var attempt = 1; ; attempt++)
        {
            var delay = camera.Reconnect.Delay(attempt, jitter);
            if (camera.Reconnect.MaxAttempts > 0 && attempt > camera.Reconnect.MaxAttempts)
            {
                health.Set(CameraState.Failed, $"not reachable after {camera.Reconnect.MaxAttempts} attempts");
                throw new MediaNetworkException($"[{camera.Id}] {MediaUri.RedactCredentials(camera.Uri)}: not reachable after {camera.Reconnect.MaxAttempts} attempts");
            }
            try
            {
                await Task.Delay(delay, stop);
                health.Set(CameraState.Connecting);
                return await OpenAsync(camera, health, config, assets, analysisSink, records, sharing, stop);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (MediaAbortedException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (MediaException error) when (IsRetryable(error))
            {
                health.Set(CameraState.BackingOff, $"{error.Message}; attempt {attempt} failed");
            }
        }
    }

    /// <summary>Errors a live camera recovers from: unreachable, timed out, not published yet.</summary>
    private static bool IsRetryable(MediaException error) => error is MediaNetworkException or MediaNotFoundException;

    private static async Task<CameraPipeline> OpenAsync(CameraConfig camera, CameraHealth health, PipelineConfig config, AssetLocator assets,
        Func<CameraConfig, FrameAnalysis, ValueTask>? analysisSink, RecordOutputs? records, InferenceSharing sharing, CancellationToken stop)
    {
        var uri = await assets.ResolveUriAsync(ResolveRelative(camera.Uri, config.SourceFile), stop);
        var vision = camera.Vision.Enabled ? await camera.Vision.ResolveAsync(assets, stop) : null;
        var audio = camera.Audio.Enabled ? await camera.Audio.ResolveAsync(assets, stop) : null;
        var transcript = records is not null && camera.TranscriptFile is { } sidecar
            ? SubtitleFileReader.Read(await assets.ResolveUriAsync(ResolveRelative(sidecar, config.SourceFile), stop))
            : [];
        Func<FrameAnalysis, ValueTask>? sink = analysisSink is null ? null : analysis => analysisSink(camera, analysis);
        // Only a slow open (a live stream waiting for a keyframe) is worth a line; quick failures stay one line.
        await using var slowOpenNotice = new Timer(_ => Console.Error.WriteLine($"[{camera.Id}] opening {MediaUri.RedactCredentials(uri)} (waiting for the stream)"),
            null, SlowOpenNotice, Timeout.InfiniteTimeSpan);
        var pipeline = await Task.Run(() => CameraPipeline.Open(camera, uri, vision, audio, sink, records?.Fusion, transcript, health,
                message => Console.Error.WriteLine($"[{camera.Id}] {message}"), sharing, stop),
            CancellationToken.None);
        var detecting = (pipeline.InferenceProvider is { } provider ? $"; detecting on {provider}" : "") +
                        (pipeline.VoiceActivity is { } vad ? $"; listening (VAD: {vad})" : "");
        Console.Error.WriteLine($"[{camera.Id}] opened: {pipeline.Info.Summary()}{detecting}");
        return pipeline;
    }

    private static void DisposeOpened(IEnumerable<Task<CameraPipeline?>> opening)
    {
        foreach (var task in opening)
            if (task.IsCompletedSuccessfully) task.Result?.Dispose();
    }

    /// <summary>Relative file paths in a config file are relative to that file, not to the working directory.</summary>
    private static string ResolveRelative(string uri, string? configFile)
    {
        if (configFile is null || uri.StartsWith(AssetLocator.UriPrefix, StringComparison.Ordinal) || uri.Contains("://") || Path.IsPathRooted(uri))
            return uri;
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(configFile)!, uri));
    }
}
