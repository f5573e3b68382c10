using System.Globalization;
using System.Text.RegularExpressions;

namespace StreamFusion.Fusion.Transcripts;

/// <summary>
/// Sidecar transcripts for replay: SRT and WebVTT cues, and word alignments ("start end word" per line, the GRID
/// and HTK convention, in a configurable time unit). Tags are stripped; malformed input is an error naming the line.
/// </summary>
public static partial class SubtitleFileReader
{
    /// <summary>GRID .align files count time in 1/25000 s.</summary>
    public const double GridAlignUnit = 1.0 / 25000;

    /// <summary>Reads by extension: .srt, .vtt, .align (GRID units) or .txt/.lab (seconds).</summary>
    public static IReadOnlyList<TranscriptSegment> Read(string path, double? alignUnit = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"transcript file not found: {path}");
        var lines = File.ReadAllLines(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".srt" => ParseCues(path, lines, webVtt: false),
            ".vtt" => ParseCues(path, lines, webVtt: true),
            ".align" => ParseAlignment(path, lines, alignUnit ?? GridAlignUnit),
            ".lab" or ".txt" => ParseAlignment(path, lines, alignUnit ?? 1.0),
            var other => throw new TranscriptFormatException(path, 0, $"unknown transcript format '{other}' (expected .srt, .vtt, .align, .lab or .txt)"),
        };
    }

    public static IReadOnlyList<TranscriptSegment> ParseCues(string file, IReadOnlyList<string> lines, bool webVtt)
    {
        var segments = new List<TranscriptSegment>();
        var source = webVtt ? "webvtt" : "srt";
        var i = 0;
        if (webVtt)
        {
            if (lines.Count == 0 || !lines[0].TrimStart('\uFEFF').StartsWith("WEBVTT", StringComparison.Ordinal))
                throw new TranscriptFormatException(file, 1, "a WebVTT file must start with WEBVTT");
            i = 1;
        }
        while (i < lines.Count)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            var timing = CueTiming().Match(line);
            if (!timing.Success && !webVtt && line.All(char.IsAsciiDigit) && line.Length > 0)
            {
                // An SRT cue number: its timing must follow.
                if (i + 1 >= lines.Count || !CueTiming().IsMatch(lines[i + 1].Trim()))
                    throw new TranscriptFormatException(file, i + 2, $"expected a cue timing like 00:00:01,000 --> 00:00:02,500 after cue {line}, got '{Shorten(i + 1 < lines.Count ? lines[i + 1].Trim() : "")}'");
                i++;
                continue;
            }
            if (!timing.Success)
            {
                if (line.Length > 0 && !IsCueIdentifier(line, lines, i) && !(webVtt && IsVttBlock(line)))
                    throw new TranscriptFormatException(file, i + 1, $"expected a cue timing like 00:00:01,000 --> 00:00:02,500, got '{Shorten(line)}'");
                if (webVtt && IsVttBlock(line)) while (i < lines.Count && lines[i].Trim().Length > 0) i++;
                i++;
                continue;
            }
            var start = Timestamp(file, i + 1, timing.Groups[1].Value);
            var end = Timestamp(file, i + 1, timing.Groups[2].Value);
            if (end < start) throw new TranscriptFormatException(file, i + 1, $"cue ends ({timing.Groups[2].Value}) before it starts ({timing.Groups[1].Value})");
            var text = new List<string>();
            for (i++; i < lines.Count && lines[i].Trim().Length > 0; i++) text.Add(Tags().Replace(lines[i].Trim(), ""));
            segments.Add(new TranscriptSegment(start, end, string.Join("\n", text), source));
        }
        return segments;
    }

    public static IReadOnlyList<TranscriptSegment> ParseAlignment(string file, IReadOnlyList<string> lines, double unit)
    {
        var segments = new List<TranscriptSegment>();
        for (var i = 0; i < lines.Count; i++)
        {
            var parts = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length < 3 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
                throw new TranscriptFormatException(file, i + 1, $"expected 'start end word', got '{Shorten(lines[i].Trim())}'");
            if (end < start) throw new TranscriptFormatException(file, i + 1, "word ends before it starts");
            var word = string.Join(' ', parts[2..]);
            if (word is "sil" or "sp" or "<sil>" or "SIL") continue; // silence markers in GRID/HTK alignments
            segments.Add(new TranscriptSegment(start * unit, end * unit, word, "alignment"));
        }
        return segments;
    }

    private static double Timestamp(string file, int line, string text)
    {
        var parts = text.Replace(',', '.').Split(':');
        try
        {
            var seconds = double.Parse(parts[^1], CultureInfo.InvariantCulture);
            var minutes = int.Parse(parts[^2], CultureInfo.InvariantCulture);
            var hours = parts.Length == 3 ? int.Parse(parts[0], CultureInfo.InvariantCulture) : 0;
            return hours * 3600 + minutes * 60 + seconds;
        }
        catch (FormatException)
        {
            throw new TranscriptFormatException(file, line, $"bad timestamp '{text}'");
        }
    }

    private static bool IsCueIdentifier(string line, IReadOnlyList<string> lines, int index) =>
        index + 1 < lines.Count && CueTiming().IsMatch(lines[index + 1].Trim());

    private static bool IsVttBlock(string line) => line.StartsWith("NOTE", StringComparison.Ordinal) || line.StartsWith("STYLE", StringComparison.Ordinal) || line.StartsWith("REGION", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"^((?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3})")]
    private static partial Regex CueTiming();

    [GeneratedRegex(@"<[^>]+>|\{\\[^}]*\}")]
    private static partial Regex Tags();
}
