using System.Text;
using System.Text.RegularExpressions;

namespace StreamFusion.Media;

/// <summary>
/// FFmpeg hands text subtitles (SRT, WebVTT, mov_text, ASS) to us as ASS dialogue events:
/// "ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text" with {\override} tags and \N breaks
/// (older builds: "Dialogue: Layer,Start,End,Style,Name,MarginL,MarginR,MarginV,Effect,Text").
/// This keeps only the readable text.
/// </summary>
public static partial class AssText
{
    private const int EventFieldsBeforeText = 8;
    private const int DialogueFieldsBeforeText = 9;

    public static string ToPlainText(string events)
    {
        var result = new StringBuilder();
        foreach (var line in events.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var text = TextField(line.TrimEnd('\r'));
            text = OverrideTags().Replace(text, "").Replace("\\N", "\n").Replace("\\n", "\n").Replace("\\h", " ");
            text = text.Trim();
            if (text.Length == 0) continue;
            if (result.Length > 0) result.Append('\n');
            result.Append(text);
        }
        return result.ToString();
    }

    private static string TextField(string line)
    {
        var fields = EventFieldsBeforeText;
        if (line.StartsWith("Dialogue:", StringComparison.Ordinal))
        {
            line = line["Dialogue:".Length..].TrimStart();
            fields = DialogueFieldsBeforeText;
        }
        if (!char.IsAsciiDigit(line.FirstOrDefault())) return line;
        var start = 0;
        for (var field = 0; field < fields; field++)
        {
            var comma = line.IndexOf(',', start);
            if (comma < 0) return line;
            start = comma + 1;
        }
        return line[start..];
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex OverrideTags();
}
