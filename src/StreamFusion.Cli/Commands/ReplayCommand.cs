using System.CommandLine;
using System.Text.RegularExpressions;
using StreamFusion.Cli.Config;
using StreamFusion.Cli.Output;
using StreamFusion.Cli.Runtime;
using StreamFusion.Core.Pipeline;
using StreamFusion.Fusion.Fuse;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Media;
using StreamFusion.Media.Stage;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion replay`: runs the whole pipeline (decode → vision, audio → fusion) over recorded footage, lossless
/// by default, printing per-second stats and, with --out, writing one JSON record per window.
/// </summary>
public static partial class ReplayCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "recorded footage (path, file:// or asset:media/NAME)" };
        var speed = new Option<double?>("--speed") { Description = "pace by PTS at this multiple of real time (e.g. 2)" };
        var realtime = new Option<bool>("--realtime") { Description = "pace by PTS at real time (same as --speed 1)" };
        var camera = new Option<string?>("--camera") { Description = "camera id for the records (default: the file name)" };
        var width = new Option<int>("--width") { Description = "output frame width (0 = native)" };
        var height = new Option<int>("--height") { Description = "output frame height (0 = native)" };
        var audioRate = new Option<int>("--audio-rate") { Description = "audio sample rate", DefaultValueFactory = _ => 16000 };
        var noAudio = new Option<bool>("--no-audio") { Description = "do not decode audio" };
        var noSubtitles = new Option<bool>("--no-subtitles") { Description = "do not decode subtitle streams" };
        var queue = new Option<int>("--queue") { Description = "capacity of each edge", DefaultValueFactory = _ => QueueSettings.Replay.Capacity };
        var policy = new Option<string>("--policy") { Description = "full-queue policy: wait (lossless) or drop-oldest", DefaultValueFactory = _ => "wait" };
        policy.AcceptOnlyFromAmong("wait", "drop-oldest");
        var interval = new Option<double>("--stats-interval") { Description = "seconds between stats lines", DefaultValueFactory = _ => 1.0 };
        var transcript = new Option<string?>("--transcript") { Description = "sidecar transcript: .srt, .vtt or .align (GRID word timings)" };
        var output = new Option<string?>("--out") { Description = "write the fused records (JSON lines, schemas/streamfusion.detection.v1) to this file" };
        var keywords = new Option<string?>("--keywords") { Description = "watch list for the transcript, e.g. help,police,fire" };
        var redact = new Option<string>("--redact") { Description = "transcript text in records: none, keywords or full", DefaultValueFactory = _ => "none" };
        redact.AcceptOnlyFromAmong("none", "keywords", "full");
        var noVision = new Option<bool>("--no-vision") { Description = "skip detection and tracking" };
        var kafka = new KafkaOptions();
        var noKafka = new Option<bool>("--no-kafka") { Description = "do not publish to Kafka (records only with --out)" };
        var spool = new Option<string?>("--spool") { Description = "folder keeping records the broker has not acknowledged (default: per cluster and topic under ~/.local/state/streamfusion)" };
        var flushTimeout = new Option<double>("--flush-timeout") { Description = "seconds to wait at the end for the broker to acknowledge everything", DefaultValueFactory = _ => 30 };
        var keepServing = new Option<bool>("--keep-serving") { Description = "with the embedded broker: keep serving it after the run until Ctrl+C" };
        var command = new Command("replay", "Run the pipeline over a recorded file and publish its records to Kafka (an embedded broker unless --kafka)")
        {
            file, speed, realtime, camera, width, height, audioRate, noAudio, noSubtitles, queue, policy, interval, transcript, output, keywords, redact, noVision,
            noKafka, spool, flushTimeout, keepServing,
        };
        kafka.AddTo(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, async () =>
        {
            if (parse.GetValue(speed) is <= 0) throw new ArgumentException("--speed must be greater than 0");
            if (parse.GetValue(queue) < 1) throw new ArgumentException("--queue must be at least 1");
            if (parse.GetValue(interval) <= 0) throw new ArgumentException("--stats-interval must be greater than 0");
            var pacing = parse.GetValue(realtime) ? Pacing.RealTime : parse.GetValue(speed) is { } x ? new Pacing(x) : Pacing.AsFastAsPossible;
            EdgePolicyNames.TryParse(parse.GetValue(policy), out var edgePolicy);
            var path = parse.GetValue(file)!;
            var decode = new MediaSourceOptions
            {
                VideoWidth = parse.GetValue(width),
                VideoHeight = parse.GetValue(height),
                AudioSampleRate = parse.GetValue(audioRate),
                Audio = !parse.GetValue(noAudio),
                Subtitles = !parse.GetValue(noSubtitles),
            };
            var cameraConfig = new CameraConfig(parse.GetValue(camera) ?? CameraIdFrom(path), path, pacing, decode, new QueueSettings(parse.GetValue(queue), edgePolicy))
            {
                Vision = new VisionConfig { Enabled = !parse.GetValue(noVision) },
                Audio = new AudioConfig { Enabled = !parse.GetValue(noAudio) },
                TranscriptFile = parse.GetValue(transcript),
            };
            var config = new PipelineConfig(null, null, [cameraConfig], TimeSpan.FromSeconds(parse.GetValue(interval)), PipelineConfig.DefaultDrainTimeout);
            TranscriptRedaction.TryParse(parse.GetValue(redact)!, out var redaction);
            var fusion = new FusionSettings
            {
                Keywords = (parse.GetValue(keywords) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Redaction = redaction,
            };
            if (parse.GetValue(flushTimeout) < 0) throw new ArgumentException("--flush-timeout must not be negative");
            var publishing = new KafkaConfig
            {
                Enabled = !parse.GetValue(noKafka),
                Connection = kafka.Connection(parse),
                Topic = parse.GetValue(kafka.Topic)!,
                SpoolDirectory = parse.GetValue(spool) is { } folder ? Path.GetFullPath(folder) : null,
                FlushTimeout = TimeSpan.FromSeconds(parse.GetValue(flushTimeout)),
            };
            await using var records = new RecordOutputs(fusion, parse.GetValue(output), publishing, line => Console.Error.WriteLine(line));
            using var shutdown = new ShutdownSignal();
            var outcome = await PipelineRunner.RunAsync(config, globals.Locator(parse), shutdown.Token, records: records);
            return await records.CompleteAsync(outcome, shutdown, parse.GetValue(keepServing));
        }));
        return command;
    }

    public static string CameraIdFrom(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path.Split("://").Last().TrimEnd('/'));
        var id = NotIdCharacters().Replace(stem, "-").Trim('-');
        return id.Length == 0 ? "camera" : id[..Math.Min(id.Length, 64)];
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex NotIdCharacters();
}
