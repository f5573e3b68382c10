using System.Globalization;

namespace StreamFusion.Core;

/// <summary>How every record, message and log line writes an instant: UTC, milliseconds, "2026-12-02T04:30:01.120Z".</summary>
public static class UtcText
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
