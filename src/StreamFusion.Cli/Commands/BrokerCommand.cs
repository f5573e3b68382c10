using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StreamFusion.Hosting.Fleet;
using StreamFusion.Kafka.Embedded;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion broker`: the embedded broker (librdkafka's in-memory mock cluster) as a process of its own, so
/// several workers and tools on one machine share it. For trying a fleet out; everything is gone when it stops.
/// </summary>
public static class BrokerCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var listen = new Option<string>("--listen") { Description = "host:port clients connect to", DefaultValueFactory = _ => "127.0.0.1:9092" };
        var partitions = new Option<int>("--partitions") { Description = $"partitions of the camera registry topic ({CameraRegistry.DefaultTopic}): the most workers that get cameras", DefaultValueFactory = _ => CameraRegistry.DefaultPartitions };
        var command = new Command("broker", "Run the embedded Kafka broker as a standalone process (in memory; for trying a fleet on one machine)") { listen, partitions };
        command.SetAction((parse, _) => globals.RunAsync(parse, async () =>
        {
            var address = ParseEndpoint(parse.GetValue(listen)!);
            if (parse.GetValue(partitions) is < 1 or > 1000) throw new ArgumentException("--partitions must be from 1 to 1000");
            using var shutdown = new ShutdownSignal(globals.Logger);
            using var broker = new EmbeddedBroker();
            var mock = ParseEndpoint(broker.BootstrapServers.Split(',')[0]);
            TcpForwarder forwarder;
            try
            {
                forwarder = new TcpForwarder(address, mock);
            }
            catch (SocketException e)
            {
                throw new ArgumentException($"--listen {address}: {e.Message}");
            }
            await using (forwarder)
            {
                broker.Advertise(address.Address.ToString(), forwarder.Listening.Port);
                broker.CreateTopic(CameraRegistry.DefaultTopic, parse.GetValue(partitions));
                broker.SetGroupRebalanceDelay(RebalanceDelay);
                globals.Logger.LogInformation("broker: listening on {Address} (embedded, in memory: gone when it stops); {Topic} has {Partitions} partitions",
                    forwarder.Listening, CameraRegistry.DefaultTopic, parse.GetValue(partitions));
                try
                {
                    await Task.Delay(Timeout.Infinite, shutdown.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return shutdown.ExitCode;
        }));
        return command;
    }

    /// <summary>As short as lets workers starting together join one rebalance (the mock's default, 3 s, holds every rebalance back).</summary>
    private static readonly TimeSpan RebalanceDelay = TimeSpan.FromMilliseconds(500);

    private static IPEndPoint ParseEndpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0 ? endpoint
            : throw new ArgumentException($"--listen '{text}': expected an IP address and port such as 127.0.0.1:9092");
}
