using System.CommandLine;
using StreamFusion.Hosting.Config;
using StreamFusion.Media.Live;
using StreamFusion.Media.Stage;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion live <url>`: one live camera, quickly: fresh frames over completeness (drop-oldest edges),
/// reconnection with backoff forever, records to Kafka. For many cameras, `run` with a pipeline file.
/// </summary>
public static class LiveCommand
{
    public static readonly QueueSettings LiveQueues = new(2, StreamFusion.Core.Stages.EdgePolicy.DropOldest);

    public static Command Create(GlobalOptions globals)
    {
        var url = new Argument<string>("url") { Description = "rtsp://, http(s)://, udp://, tcp://, srt:// or /dev/videoN" };
        var transport = new Option<string>("--rtsp-transport") { Description = "RTSP over tcp or udp", DefaultValueFactory = _ => "tcp" };
        transport.AcceptOnlyFromAmong("tcp", "udp");
        var stall = new Option<double>("--stall-timeout") { Description = "seconds without data before the source counts as stalled and is reopened", DefaultValueFactory = _ => 10 };
        var maxBackoff = new Option<double>("--max-backoff") { Description = "longest wait between reconnect attempts, seconds", DefaultValueFactory = _ => 30 };
        var options = new SingleCameraOptions(LiveQueues);
        var command = new Command("live", "Watch one live camera: reconnects by itself, drops stale frames under load, publishes records to Kafka")
        {
            url, transport, stall, maxBackoff,
        };
        options.AddTo(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, () =>
        {
            if (parse.GetValue(stall) <= 0) throw new ArgumentException("--stall-timeout must be greater than 0");
            if (parse.GetValue(maxBackoff) < 1) throw new ArgumentException("--max-backoff must be at least 1");
            var reconnect = ReconnectPolicy.Live with
            {
                StallTimeout = TimeSpan.FromSeconds(parse.GetValue(stall)),
                Max = TimeSpan.FromSeconds(parse.GetValue(maxBackoff)),
            };
            return options.RunAsync(parse, globals, parse.GetValue(url)!, Pacing.AsFastAsPossible, reconnect,
                decode => decode with { RtspTransport = parse.GetValue(transport)! });
        }));
        return command;
    }
}
