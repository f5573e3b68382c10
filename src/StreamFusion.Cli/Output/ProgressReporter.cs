using System.Diagnostics;
using System.Globalization;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Media.Live;

namespace StreamFusion.Cli.Output;

/// <summary>
/// Periodic per-camera stats: frames, fps, position/duration, audio, cues, drops, corrupt packets, queue depth.
/// On a terminal a single camera gets one status line rewritten in place (stderr); otherwise every interval
/// prints a plain log line per camera to <paramref name="output"/>. An extra status (Kafka) follows the cameras' lines.
/// </summary>
public sealed class ProgressReporter(RunningCameras running, TimeSpan interval, TextWriter output, bool interactive)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (long Frames, TimeSpan At)> _last = [];

    public async Task RunAsync(CancellationToken finished)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(finished).ConfigureAwait(false))
                Report();
        }
        catch (OperationCanceledException)
        {
        }
        if (interactive && running.Count == 1) Console.Error.Write("\r\x1b[K");
    }

    private void Report()
    {
        var extra = running.KafkaStatus();
        var cameras = running.Pipelines;
        foreach (var camera in cameras)
        {
            var line = StatusLine(camera);
            if (interactive && running.Count == 1) Console.Error.Write($"\r\x1b[K{line}{(extra is null ? "" : " " + extra)}");
            else output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");
        }
        if (extra is not null && !(interactive && running.Count == 1)) output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {extra}");
    }

    private string StatusLine(CameraPipeline camera)
    {
        var frames = camera.Counters.VideoFrames;
        var now = _clock.Elapsed;
        var (lastFrames, lastAt) = _last.GetValueOrDefault(camera.Camera.Id);
        _last[camera.Camera.Id] = (frames, now);
        var fps = (frames - lastFrames) / Math.Max((now - lastAt).TotalSeconds, 1e-6);
        var queued = string.Join(",", camera.Edges.Select(e => $"{e.Counters.Depth}/{e.Counters.Capacity}"));
        var c = camera.Counters;
        var vision = camera.InferenceProvider is null ? "" : $" analysed={c.AnalysedFrames} objects={c.Objects} tracks={c.Tracks}";
        vision += camera.VoiceActivity is null ? "" : $" speech={c.SpeechSegments} sounds={c.SoundEvents}";
        if (camera.Speech is { } s)
            vision += $" utterances={s.Utterances} keywords={s.KeywordHits}" + (s.TranscriptionSkipped + s.UtterancesSkipped > 0 ? $" speech-skipped={s.TranscriptionSkipped}+{s.UtterancesSkipped}" : "");
        var state = camera.Camera.Reconnect.Enabled ? $" state={camera.Health.State.Name()} reconnects={camera.Health.Reconnects}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{camera.Camera.Id}]{state} {Position(camera)} frames={frames} fps={fps:F1}{vision} audio={c.AudioSeconds(camera.Camera.Decode.AudioSampleRate):F1}s " +
            $"cues={c.SubtitleCues} dropped={camera.Dropped} corrupt={camera.DecodeStats.CorruptPackets} queue={queued}");
    }

    private static string Position(CameraPipeline camera)
    {
        var position = double.IsNaN(camera.Position) ? 0 : camera.Position;
        var duration = camera.Info.Duration;
        return double.IsNaN(duration)
            ? string.Create(CultureInfo.InvariantCulture, $"pos={position:F1}s")
            : string.Create(CultureInfo.InvariantCulture, $"pos={position:F1}/{duration:F1}s ({100 * position / Math.Max(duration, 1e-9):F0}%)");
    }
}
