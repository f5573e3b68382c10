using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using StreamFusion.Core.Logging;

namespace StreamFusion.Cli.Logging;

/// <summary>Everything the CLI and the runtime log goes to stderr, as plain lines (text) or JSON objects (json).</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(string format) => LoggerFactory.Create(logging =>
    {
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning); // Kestrel's per-request lines, the host's start and stop
        logging.AddConsole(console =>
        {
            console.FormatterName = format == "json" ? JsonLogFormatter.Name : TextLogFormatter.Name;
            console.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        logging.AddConsoleFormatter<TextLogFormatter, ConsoleFormatterOptions>(options => options.IncludeScopes = true);
        logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>(options => options.IncludeScopes = true);
    });

    /// <summary>The camera an entry's scopes name (<see cref="CameraLogging.ForCamera"/>), if any.</summary>
    public static string? CameraOf(IExternalScopeProvider? scopes)
    {
        string? camera = null;
        scopes?.ForEachScope((scope, _) => camera ??= CameraLogging.CameraOf(scope), (object?)null);
        return camera;
    }
}
