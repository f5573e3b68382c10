using System.CommandLine;
using System.Text.Json;
using StreamFusion.Hosting.Fleet;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion cameras add|update|remove|list`: the fleet's camera registry. A camera is checked against the
/// shared settings (as a worker will read it) before anything is written.
/// </summary>
public static class CamerasCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("cameras", "Manage the fleet's camera registry (add, update, remove, list)");
        foreach (var (verb, description, mustExist) in new[] { ("add", "register a new camera", false), ("update", "change a registered camera (its worker restarts it)", true) })
            command.Subcommands.Add(Put(globals, verb, description, mustExist));
        command.Subcommands.Add(Remove(globals));
        command.Subcommands.Add(List(globals));
        return command;
    }

    private static (Option<string?> Kafka, Option<string> Topic) Common(Command command)
    {
        var kafka = new Option<string?>("--kafka") { Description = "bootstrap servers of the cluster holding the registry" };
        var topic = new Option<string>("--topic") { Description = "the camera registry topic", DefaultValueFactory = _ => CameraRegistry.DefaultTopic };
        command.Options.Add(kafka);
        command.Options.Add(topic);
        return (kafka, topic);
    }

    private static CameraRegistry Registry(ParseResult parse, (Option<string?> Kafka, Option<string> Topic) options) =>
        new(new KafkaConnection(parse.GetValue(options.Kafka) is { Length: > 0 } b ? b : null, new Dictionary<string, string>()), parse.GetValue(options.Topic)!);

    private static Command Put(GlobalOptions globals, string verb, string description, bool mustExist)
    {
        var file = new Option<string>("--file") { Description = "the camera's section as YAML (id, uri and its settings)", Required = true };
        var config = new Option<string?>("--config") { Description = "the workers' shared settings, to check the camera against" };
        var command = new Command(verb, description) { file, config };
        var common = Common(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, async () =>
        {
            var (id, json) = FleetConfig.FromYaml(parse.GetValue(file)!);
            FleetConfig.Load(parse.GetValue(config)).Camera(json, parse.GetValue(file)!); // refused here, before anything is written
            var registry = Registry(parse, common);
            var exists = registry.ReadAll().ContainsKey(id);
            if (exists != mustExist)
                throw new ArgumentException(mustExist ? $"camera '{id}' is not registered: use cameras add" : $"camera '{id}' is already registered: use cameras update");
            await registry.PutAsync(id, json);
            Console.Out.WriteLine($"{(mustExist ? "updated" : "added")} {id} in {registry.Topic}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Remove(GlobalOptions globals)
    {
        var id = new Option<string>("--id") { Description = "the camera to remove", Required = true };
        var command = new Command("remove", "unregister a camera (its worker stops it)") { id };
        var common = Common(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, async () =>
        {
            var registry = Registry(parse, common);
            var camera = parse.GetValue(id)!;
            if (!registry.ReadAll().ContainsKey(camera)) throw new ArgumentException($"camera '{camera}' is not registered");
            await registry.PutAsync(camera, null);
            Console.Out.WriteLine($"removed {camera} from {registry.Topic}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var json = new Option<bool>("--json") { Description = "each camera's registered section as JSON, one per line" };
        var command = new Command("list", "the registered cameras") { json };
        var common = Common(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, () =>
        {
            foreach (var (id, section) in Registry(parse, common).ReadAll().OrderBy(c => c.Key, StringComparer.Ordinal))
                Console.Out.WriteLine(parse.GetValue(json) ? section : $"{id}  {Uri(section)}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static string Uri(string section) =>
        JsonDocument.Parse(section).RootElement.TryGetProperty("uri", out var uri) ? StreamFusion.Media.MediaUri.RedactCredentials(uri.GetString() ?? "") : "";
}
