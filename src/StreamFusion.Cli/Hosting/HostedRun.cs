using System.CommandLine;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamFusion.Core.Stages;
using StreamFusion.Hosting;
using StreamFusion.Hosting.Config;

namespace StreamFusion.Cli.Hosting;

/// <summary>
/// What run, replay, live and detect share: the pipeline in a host of its own (StreamFusionHost), the CLI's
/// logging and stdout reporting, Ctrl+C and SIGTERM draining it, and the run's result as an exit code.
/// </summary>
internal static class HostedRun
{
    /// <param name="recordsOnStdout">the verb writes its records to stdout: progress and summaries go to stderr, so the records can be piped</param>
    public static async Task<int> RunAsync(PipelineConfig config, Commands.GlobalOptions globals, ParseResult parse, Action<StreamFusionOptions>? configure = null,
        bool recordsOnStdout = false)
    {
        using var shutdown = new ShutdownSignal(globals.Logger);
        using var host = StreamFusionHost.Build(config, services =>
        {
            services.AddSingleton(globals.Logs);
            services.AddSingleton<IRunReporter>(new ConsoleRunReporter(recordsOnStdout ? Console.Error : Console.Out));
            services.AddSingleton<IHostLifetime>(provider => new SignalLifetime(shutdown, provider.GetRequiredService<IHostApplicationLifetime>()));
        }, options =>
        {
            options.Assets = globals.Locator(parse, config.AssetDirectory);
            options.LogRunFailure = false; // the verb reports it, with its exit code
            configure?.Invoke(options);
        });
        await StreamFusionHost.StartAsync(host, config.Metrics);
        await host.WaitForShutdownAsync();
        var completion = host.Services.GetRequiredService<StreamFusionRun>().Completion;
        var result = completion.IsCompleted ? completion.Result : new RunResult(PipelineOutcome.Aborted);
        if (result.Error is { } error) ExceptionDispatchInfo.Throw(error);
        if (result.Outcome != PipelineOutcome.Completed) return shutdown.ExitCode;
        return result.Undelivered > 0 ? ExitCodes.Network : ExitCodes.Ok;
    }
}
