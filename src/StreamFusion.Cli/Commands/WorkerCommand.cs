using System.CommandLine;
using StreamFusion.Cli.Hosting;
using StreamFusion.Hosting.Fleet;
using StreamFusion.Hosting.Operations;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion worker`: one member of a fleet, running the registry's cameras the consumer group assigns it.</summary>
public static class WorkerCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var kafka = new Option<string?>("--kafka") { Description = "bootstrap servers of the cluster holding the camera registry (and taking the records)" };
        var group = new Option<string>("--group") { Description = "the fleet's consumer group", DefaultValueFactory = _ => "streamfusion-fleet" };
        var config = new Option<string?>("--config") { Description = "the settings every worker shares (a pipeline file without cameras)" };
        var instance = new Option<string?>("--instance") { Description = "a stable name for this worker (static membership: after a crash, a restart under it within the session timeout keeps its cameras); also its id and its spool" };
        var session = new Option<double>("--session-timeout") { Description = "seconds the group waits for a silent worker before moving its cameras", DefaultValueFactory = _ => 10 };
        var metrics = new Option<string?>("--metrics") { Description = "serve /metrics and /health on host:port" };
        var topic = new Option<string>("--topic") { Description = "the camera registry topic", DefaultValueFactory = _ => CameraRegistry.DefaultTopic };
        var command = new Command("worker", "Run as a fleet worker: the cameras of the registry partitions the consumer group assigns") { kafka, group, config, instance, session, metrics, topic };
        command.SetAction((parse, _) => globals.RunAsync(parse, async () =>
        {
            if (parse.GetValue(kafka) is not { Length: > 0 } bootstrap) throw new ArgumentException("--kafka HOST:PORT is required (`streamfusion broker` runs one to try a fleet)");
            if (parse.GetValue(session) is < 1 or > 300) throw new ArgumentException("--session-timeout must be from 1 to 300 seconds");
            var id = parse.GetValue(instance) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            var settings = new WorkerSettings(parse.GetValue(group)!, id, parse.GetValue(instance), TimeSpan.FromSeconds(parse.GetValue(session)), parse.GetValue(topic)!);
            var fleet = FleetConfig.Load(parse.GetValue(config)).WithShared(shared => shared with
            {
                Kafka = shared.Kafka with { Connection = shared.Kafka.Connection with { BootstrapServers = bootstrap }, WorkerId = id },
                Metrics = parse.GetValue(metrics) is { Length: > 0 } listen ? MetricsAddress.Parse(listen) : shared.Metrics,
            });
            return await HostedRun.RunAsync(fleet.Shared, globals, parse, options => options.Fleet = (fleet, settings));
        }));
        return command;
    }
}
