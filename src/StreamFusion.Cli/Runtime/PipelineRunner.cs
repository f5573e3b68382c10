using System.Diagnostics;
using StreamFusion.Cli.Config;
using StreamFusion.Cli.Output;
using StreamFusion.Core.Assets;
using StreamFusion.Core.Pipeline;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Media;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Cli.Runtime;

/// <summary>Runs every camera of a pipeline config concurrently, with progress, until the sources end or a stop.</summary>
public static class PipelineRunner
{
    private static readonly TimeSpan SlowOpenNotice = TimeSpan.FromSeconds(1);

    /// <param name="analysisSink">receives every camera's frame analyses (the detect verb's writer)</param>
    /// <param name="records">when set, cameras fuse their windows into records for it; it starts once every camera is open</param>
    public static async Task<PipelineOutcome> RunAsync(PipelineConfig config, AssetLocator assets, CancellationToken stop,
        Func<CameraConfig, FrameAnalysis, ValueTask>? analysisSink = null, RecordOutputs? records = null)
    {
        var fusion = records?.Fusion;
        var opening = config.Cameras.Select(camera => OpenAsync(camera, config, assets, analysisSink, fusion, stop)).ToList();
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
        var cameras = opening.Select(task => task.Result).ToList();
        try
        {
            records?.Start(cameras);
            var clock = Stopwatch.StartNew();
            using var finished = new CancellationTokenSource();
            var progress = new ProgressReporter(cameras, config.StatsInterval, interactive: !Console.IsErrorRedirected && !Console.IsOutputRedirected,
                records is null ? null : records.Status);
            var progressTask = progress.RunAsync(finished.Token);
            var runs = cameras.Select(async camera =>
            {
                var outcome = await camera.RunAsync(stop, config.DrainTimeout);
                ProgressReporter.PrintSummary(camera, outcome.ToString().ToLowerInvariant(), clock.Elapsed);
                camera.ThrowIfInputTruncated();
                return outcome;
            }).ToList();
            try
            {
                var outcomes = await Task.WhenAll(runs);
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
            foreach (var camera in cameras) camera.Dispose();
        }
    }

    private static async Task<CameraPipeline> OpenAsync(CameraConfig camera, PipelineConfig config, AssetLocator assets,
        Func<CameraConfig, FrameAnalysis, ValueTask>? analysisSink, FusionSetup? fusion, CancellationToken stop)
    {
        var uri = await assets.ResolveUriAsync(ResolveRelative(camera.Uri, config.SourceFile), stop);
        var vision = camera.Vision.Enabled ? await camera.Vision.ResolveAsync(assets, stop) : null;
        var audio = camera.Audio.Enabled ? await camera.Audio.ResolveAsync(assets, stop) : null;
        var transcript = fusion is not null && camera.TranscriptFile is { } sidecar
            ? SubtitleFileReader.Read(await assets.ResolveUriAsync(ResolveRelative(sidecar, config.SourceFile), stop))
            : [];
        Func<FrameAnalysis, ValueTask>? sink = analysisSink is null ? null : analysis => analysisSink(camera, analysis);
        // Only a slow open (a live stream waiting for a keyframe) is worth a line; quick failures stay one line.
        await using var slowOpenNotice = new Timer(_ => Console.Error.WriteLine($"[{camera.Id}] opening {MediaUri.RedactCredentials(uri)} (waiting for the stream)"),
            null, SlowOpenNotice, Timeout.InfiniteTimeSpan);
        var pipeline = await Task.Run(() => CameraPipeline.Open(camera, uri, vision, audio, sink, fusion, transcript, message => Console.Error.WriteLine($"[{camera.Id}] {message}"), stop),
            CancellationToken.None);
        var detecting = (pipeline.InferenceProvider is { } provider ? $"; detecting on {provider}" : "") +
                        (pipeline.VoiceActivity is { } vad ? $"; listening (VAD: {vad})" : "");
        Console.Error.WriteLine($"[{camera.Id}] opened: {pipeline.Info.Summary()}{detecting}");
        return pipeline;
    }

    private static void DisposeOpened(IEnumerable<Task<CameraPipeline>> opening)
    {
        foreach (var task in opening)
            if (task.IsCompletedSuccessfully) task.Result.Dispose();
    }

    /// <summary>Relative file paths in a config file are relative to that file, not to the working directory.</summary>
    private static string ResolveRelative(string uri, string? configFile)
    {
        if (configFile is null || uri.StartsWith(AssetLocator.UriPrefix, StringComparison.Ordinal) || uri.Contains("://") || Path.IsPathRooted(uri))
            return uri;
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(configFile)!, uri));
    }
}
