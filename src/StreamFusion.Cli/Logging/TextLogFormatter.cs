using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace StreamFusion.Cli.Logging;

/// <summary>
/// The CLI's plain lines: "[camera] " for an entry in a camera's scope, then "warning: " for warnings and
/// "error: " for the process's own errors (a camera's error line names what failed: "[gate] stopped by an error: …").
/// </summary>
internal sealed class TextLogFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "streamfusion-text";

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopes, TextWriter writer)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        if (string.IsNullOrWhiteSpace(message)) return;
        var camera = CliLogging.CameraOf(scopes);
        if (camera is not null) writer.Write($"[{camera}] ");
        writer.Write(entry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical when camera is null => "error: ",
            _ => "",
        });
        writer.WriteLine(message);
    }
}
