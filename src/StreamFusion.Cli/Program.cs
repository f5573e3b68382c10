using System.CommandLine;
using StreamFusion.Cli;
using StreamFusion.Cli.Commands;

var globals = new GlobalOptions();
var root = new RootCommand("StreamFusion: fuses what cameras see, hear and say into timed events for Kafka consumers")
{
    ProbeCommand.Create(globals),
    ReplayCommand.Create(globals),
    LiveCommand.Create(globals),
    DetectCommand.Create(globals),
    DrawCommand.Create(globals),
    AudioCommands.Features(globals),
    AudioCommands.Audio(globals),
    TranscribeCommand.Create(globals),
    RunCommand.Create(globals),
    TailCommand.Create(globals),
    BrokerCommand.Create(globals),
    WorkerCommand.Create(globals),
    CamerasCommand.Create(globals),
    DoctorCommand.Create(globals),
    BenchCommand.Create(globals),
};
root.Options.Add(globals.Assets);
root.Options.Add(globals.Verbose);
root.Options.Add(globals.LogFormat);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine($"see: streamfusion {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(1))} --help".Replace("  ", " "));
    return ExitCodes.BadUsage;
}
// Signals are handled by ShutdownSignal (drain first), not by System.CommandLine's immediate cancel.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
