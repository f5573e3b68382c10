using System.Globalization;

namespace StreamFusion.Core.Config;

/// <summary>Durations written as "250ms", "10s", "2m", "1h" or a plain number of seconds.</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        text = text.Trim().ToLowerInvariant();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms") => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1),
            _ when text.EndsWith('m') => (text[..^1], 60),
            _ when text.EndsWith('h') => (text[..^1], 3600),
            _ => (text, 1),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value))
        {
            duration = TimeSpan.FromSeconds(value * scale);
            return true;
        }
        duration = default;
        return false;
    }
}
