using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StreamFusion.Cli.Output;

/// <summary>
/// `--log-format json`: every line written to stderr becomes one JSON object for log shippers:
/// {"ts": …, "level": "error|warning|info", "camera": "gate" (from a "[gate] " prefix), "message": …}.
/// </summary>
public sealed partial class JsonLogWriter(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n') Flush(_line.ToString());
            else if (value != '\r') _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_line)
            foreach (var c in value) Write(c);
    }

    public override void WriteLine(string? value)
    {
        lock (_line)
        {
            Write(value);
            Write('\n');
        }
    }

    private void Flush(string line)
    {
        _line.Clear();
        if (line.Trim().Length == 0) return;
        var camera = CameraPrefix().Match(line);
        var message = camera.Success ? line[camera.Length..] : line;
        var level = message.StartsWith("error:", StringComparison.Ordinal) ? "error"
            : message.Contains("warning:", StringComparison.Ordinal) ? "warning" : "info";
        if (level == "error") message = message["error:".Length..].TrimStart();
        inner.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["ts"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["level"] = level,
            ["camera"] = camera.Success ? camera.Groups[1].Value : null,
            ["message"] = message,
        }));
        inner.Flush();
    }

    [GeneratedRegex(@"^\[([\w.-]+)\] ")]
    private static partial Regex CameraPrefix();
}
