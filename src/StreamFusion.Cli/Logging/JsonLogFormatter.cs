using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using StreamFusion.Core;

namespace StreamFusion.Cli.Logging;

/// <summary>
/// `--log-format json`: one JSON object per log entry, for log shippers:
/// {"ts": …, "level": "debug|info|warning|error", "camera": "gate" (from the entry's camera scope) or null, "message": …}.
/// </summary>
internal sealed class JsonLogFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "streamfusion-json";

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopes, TextWriter writer)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        if (string.IsNullOrWhiteSpace(message)) return;
        writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["ts"] = UtcText.Format(DateTimeOffset.UtcNow),
            ["level"] = entry.LogLevel switch
            {
                LogLevel.Trace or LogLevel.Debug => "debug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warning",
                _ => "error",
            },
            ["camera"] = CliLogging.CameraOf(scopes),
            ["message"] = message,
        }));
    }
}
