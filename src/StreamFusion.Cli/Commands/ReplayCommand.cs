using System.CommandLine;
using System.Text.RegularExpressions;
using StreamFusion.Cli.Config;
using StreamFusion.Cli.Runtime;
using StreamFusion.Core.Pipeline;
using StreamFusion.Media;
using StreamFusion.Media.Stage;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion replay`: runs the pipeline over recorded footage, lossless by default.</summary>
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
        var command = new Command("replay", "Run the pipeline over a recorded file and print per-second stats")
        {
            file, speed, realtime, camera, width, height, audioRate, noAudio, noSubtitles, queue, policy, interval,
        };
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
            var cameraConfig = new CameraConfig(parse.GetValue(camera) ?? CameraIdFrom(path), path, pacing, decode, new QueueSettings(parse.GetValue(queue), edgePolicy));
            var config = new PipelineConfig(null, null, [cameraConfig], TimeSpan.FromSeconds(parse.GetValue(interval)), PipelineConfig.DefaultDrainTimeout);
            using var shutdown = new ShutdownSignal();
            var outcome = await PipelineRunner.RunAsync(config, globals.Locator(parse), shutdown.Token);
            return outcome == PipelineOutcome.Completed ? ExitCodes.Ok : shutdown.ExitCode;
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
