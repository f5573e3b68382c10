using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamFusion.Core.Assets;

namespace StreamFusion.Cli.Commands;

/// <summary>Options every verb accepts, and the error handling every verb shares.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Assets { get; } = new("--assets")
    {
        Description = $"folder holding models/ and media/ (default: ${AssetLocator.EnvironmentVariable}, then ../shared beside the repository, then the download cache)",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "show stack traces with errors", Recursive = true };

    public Option<string> LogFormat { get; } = CreateLogFormat();

    private static Option<string> CreateLogFormat()
    {
        var option = new Option<string>("--log-format") { Description = "stderr as plain lines (text) or one JSON object per line (json)", Recursive = true, DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    public AssetLocator Locator(ParseResult parse, string? configAssets = null) =>
        AssetLocator.FromEnvironment(parse.GetValue(Assets) ?? configAssets);

    /// <summary>Where the verb and the runtime log (stderr, in the --log-format), while a verb runs.</summary>
    public ILoggerFactory Logs { get; private set; } = NullLoggerFactory.Instance;

    /// <summary>The CLI's own lines.</summary>
    public ILogger Logger { get; private set; } = NullLogger.Instance;

    /// <summary>Runs a verb's body; any exception becomes one line on stderr and an exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<Task<int>> body)
    {
        using var logs = Logging.CliLogging.Create(parse.GetValue(LogFormat)!);
        (Logs, Logger) = (logs, logs.CreateLogger("streamfusion"));
        try
        {
            return await body();
        }
        catch (Exception error)
        {
            return ErrorReporter.Report(error, parse.GetValue(Verbose), Logger);
        }
    }
}
