using StreamFusion.Speech;

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

    /// <summary>The watch-list entry a spotted phrase stands for (the recogniser reports it lower-cased); null if none.</summary>
    public string? EntryFor(string phrase)
    {
        var words = TextNormalizer.Words(phrase).Select(TextNormalizer.Singular).ToArray();
        return _entries.FirstOrDefault(e => e.Words.SequenceEqual(words)).Keyword;
    }

    /// <summary>Every occurrence of a watch-list entry in recognised words, timed from its first word to its last.</summary>
    public List<KeywordHit> FindIn(IReadOnlyList<RecognizedWord> recognised)
    {
        var normalised = recognised.Select(w => TextNormalizer.Words(w.Word).Select(TextNormalizer.Singular).FirstOrDefault() ?? "").ToArray();
        var hits = new List<KeywordHit>();
        foreach (var (keyword, phrase) in _entries)
            foreach (var at in Occurrences(normalised, phrase))
            {
                var words = recognised.Skip(at).Take(phrase.Length).ToList();
                hits.Add(new KeywordHit(keyword, words[0].Start, words[^1].End, words.Average(w => w.Confidence)));
            }
        return hits;
    }

    private static bool Contains(string[] words, string[] phrase) => Occurrences(words, phrase).Any();

    private static IEnumerable<int> Occurrences(string[] words, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= words.Length; i++)
        {
            var match = true;
            for (var j = 0; j < phrase.Length && match; j++) match = words[i + j] == phrase[j];
            if (match) yield return i;
        }
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
