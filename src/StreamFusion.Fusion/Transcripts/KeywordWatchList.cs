namespace StreamFusion.Fusion.Transcripts;

/// <summary>
/// Keywords and phrases to watch for in transcript text, matched word by word after normalisation, so case,
/// diacritics, punctuation and English plurals do not matter ("Help!" matches "help", "countries" matches
/// "country", "Señal de auxilio" matches "senal de auxilio").
/// </summary>
public sealed class KeywordWatchList
{
    private readonly (string Keyword, string[] Words)[] _entries;

    public KeywordWatchList(IEnumerable<string> keywords)
    {
        _entries = keywords
            .Select(k => (Keyword: k, Words: TextNormalizer.Words(k).Select(TextNormalizer.Singular).ToArray()))
            .Where(e => e.Words.Length > 0).ToArray();
    }

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>The watch-list entries (as configured) that occur in the text, in list order.</summary>
    public IReadOnlyList<string> Find(string text)
    {
        var words = TextNormalizer.Words(text).Select(TextNormalizer.Singular).ToArray();
        var found = new List<string>();
        foreach (var (keyword, phrase) in _entries)
            if (Contains(words, phrase)) found.Add(keyword);
        return found;
    }

    private static bool Contains(string[] words, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= words.Length; i++)
        {
            var match = true;
            for (var j = 0; j < phrase.Length && match; j++) match = words[i + j] == phrase[j];
            if (match) return true;
        }
        return false;
    }
}

public enum Redaction { None, KeywordsOnly, Full }

/// <summary>What of the transcript text an output record may carry, for privacy.</summary>
public static class TranscriptRedaction
{
    public static bool TryParse(string text, out Redaction redaction)
    {
        redaction = text.Trim().ToLowerInvariant() switch
        {
            "none" => Redaction.None,
            "keywords" or "keywords-only" => Redaction.KeywordsOnly,
            "full" => Redaction.Full,
            _ => (Redaction)(-1),
        };
        return Enum.IsDefined(redaction);
    }

    /// <summary>None: the text as heard; KeywordsOnly: only the matched keywords, joined; Full: nothing.</summary>
    public static string Apply(Redaction redaction, string text, IReadOnlyList<string> keywords) => redaction switch
    {
        Redaction.None => text,
        Redaction.KeywordsOnly => string.Join(" ", keywords),
        _ => "",
    };
}
