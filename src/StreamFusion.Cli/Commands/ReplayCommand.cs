using System.CommandLine;
using System.Text.RegularExpressions;
using StreamFusion.Hosting.Config;
using StreamFusion.Media.Live;
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
        var keepServing = new Option<bool>("--keep-serving") { Description = "with the embedded broker: keep serving it after the run until Ctrl+C" };
        var options = new SingleCameraOptions(QueueSettings.Replay);
        var command = new Command("replay", "Run the pipeline over a recorded file and publish its records to Kafka (an embedded broker unless --kafka)")
        {
            file, speed, realtime, keepServing,
        };
        options.AddTo(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, () =>
        {
            if (parse.GetValue(speed) is <= 0) throw new ArgumentException("--speed must be greater than 0");
            var pacing = parse.GetValue(realtime) ? Pacing.RealTime : parse.GetValue(speed) is { } x ? new Pacing(x) : Pacing.AsFastAsPossible;
            return options.RunAsync(parse, globals, parse.GetValue(file)!, pacing, ReconnectPolicy.Off, keepServing: parse.GetValue(keepServing));
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
