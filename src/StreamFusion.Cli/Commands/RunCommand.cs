using System.CommandLine;
using StreamFusion.Cli.Hosting;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Operations;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion run`: the pipeline driven by a YAML config, validated before anything starts.</summary>
public static class RunCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = new Argument<string>("pipeline.yaml") { Description = "pipeline config (see pipelines/)" };
        var check = new Option<bool>("--check") { Description = "only validate the config and exit" };
        var kafka = new Option<string?>("--kafka") { Description = "bootstrap servers, overriding kafka.bootstrap_servers (the same pipeline against another cluster)" };
        var metrics = new Option<string?>("--metrics") { Description = "serve /metrics and /health on host:port, overriding metrics.listen" };
        var speech = new SpeechOptions();
        var command = new Command("run", "Run the pipeline described by a config file") { file, check, kafka, metrics };
        speech.AddTo(command);
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            var config = PipelineConfigLoader.Load(parse.GetValue(file)!);
            if (parse.GetValue(kafka) is { Length: > 0 } bootstrap)
                config = config with { Kafka = config.Kafka with { Connection = config.Kafka.Connection with { BootstrapServers = bootstrap } } };
            if (parse.GetValue(metrics) is { Length: > 0 } listen) config = config with { Metrics = MetricsAddress.Parse(listen) };
            config = config with { Cameras = [.. config.Cameras.Select(camera => speech.Apply(parse, camera, config.Fusion.Keywords))] };
            if (parse.GetValue(check))
            {
                var assets = globals.Locator(parse, config.AssetDirectory);
                foreach (var camera in config.Cameras.Where(c => c.Vision.Rules.Labels.Count > 0)) // the labels the rules name, against the detector's
                    camera.Vision.Rules.CheckLabels(StreamFusion.Vision.Detection.LabelMap.Load(await assets.ResolveUriAsync(camera.Vision.Labels, cancellation)));
                Console.Out.WriteLine($"{config.SourceFile}: ok ({config.Cameras.Count} camera(s))");
                return ExitCodes.Ok;
            }
            return await HostedRun.RunAsync(config, globals, parse);
        }));
        return command;
    }
}
