using System.Text;

namespace StreamFusion.Fusion.Transcripts;

/// <summary>Lower case, no diacritics ("Señor" → "senor"), letters and digits only, words separated by single spaces.</summary>
public static class TextNormalizer
{
    // The build runs with invariant globalization (no ICU), where string.Normalize cannot decompose accents,
    // so Latin letters with diacritics are folded by table.
    private const string Accented = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšßţťŧùúûüũūŭůűųŵýÿŷźżž";
    private const string Folded = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrssssstttuuuuuuuuuuwyyyzzz";
    private static readonly Dictionary<char, char> Fold = Accented.Zip(Folded).ToDictionary(p => p.First, p => p.Second);

    public static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        var space = true;
        foreach (var raw in text)
        {
            var lower = char.ToLowerInvariant(raw);
            var c = Fold.GetValueOrDefault(lower, lower);
            if (char.IsLetterOrDigit(c))
            {
                result.Append(c);
                space = false;
            }
            else if (c == '\'' || c == '’') continue; // "don't" → "dont"
            else if (!space)
            {
                result.Append(' ');
                space = true;
            }
        }
        return result.ToString().TrimEnd();
    }

    public static string[] Words(string text) => Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A crude English singular: "countries" → "country", "boxes" → "box", "guns" → "gun"; short words kept.</summary>
    public static string Singular(string word)
    {
        if (word.Length <= 3) return word;
        if (word.EndsWith("ies")) return word[..^3] + "y";
        if (word.EndsWith("sses") || word.EndsWith("shes") || word.EndsWith("ches") || word.EndsWith("xes") || word.EndsWith("zes")) return word[..^2];
        if (word.EndsWith('s') && !word.EndsWith("ss") && !word.EndsWith("us") && !word.EndsWith("is")) return word[..^1];
        return word;
    }
}
