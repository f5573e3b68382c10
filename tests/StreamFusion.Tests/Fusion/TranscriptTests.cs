using StreamFusion.Fusion.Transcripts;

namespace StreamFusion.Tests.Fusion;

public class TranscriptTests
{
    [Fact]
    public void Grid_word_alignment_gives_the_words_in_seconds_without_silences()
    {
        var words = SubtitleFileReader.Read(TestAssets.Media("grid_swwp2s.align"));

        Assert.Equal(["set", "white", "with", "p", "two", "soon"], words.Select(w => w.Text));
        Assert.Equal((0.49, 0.77), (Math.Round(words[0].Start, 6), Math.Round(words[0].End, 6)));
        Assert.Equal((1.73, 2.21), (Math.Round(words[^1].Start, 6), Math.Round(words[^1].End, 6)));
        Assert.All(words, w => Assert.Equal("alignment", w.Source));
    }

    [Fact]
    public void Srt_cues_keep_their_times_and_lose_their_tags()
    {
        var cues = SubtitleFileReader.ParseCues("a.srt",
        [
            "1", "00:00:01,500 --> 00:00:03,250", "Ask <i>not</i> what", "your country can do", "",
            "2", "01:02:03.004 --> 01:02:04,000", "{\\an8}for you", "",
        ], webVtt: false);

        Assert.Equal(2, cues.Count);
        Assert.Equal((1.5, 3.25, "Ask not what\nyour country can do"), (cues[0].Start, cues[0].End, cues[0].Text));
        Assert.Equal((3723.004, 3724.0, "for you"), (Math.Round(cues[1].Start, 3), cues[1].End, cues[1].Text));
    }

    [Fact]
    public void WebVtt_cues_with_identifiers_notes_and_short_timestamps_are_read()
    {
        var cues = SubtitleFileReader.ParseCues("a.vtt",
        [
            "WEBVTT", "", "NOTE recorded at the gate", "second line of the note", "",
            "intro", "00:01.000 --> 00:02.500 align:start", "<v Guard>Stop right there", "",
            "00:03.000 --> 00:04.000", "Help!", "",
        ], webVtt: true);

        Assert.Equal(["Stop right there", "Help!"], cues.Select(c => c.Text));
        Assert.Equal((1.0, 2.5), (cues[0].Start, cues[0].End));
    }

    [Theory]
    [InlineData("bad.srt", new[] { "1", "00:00:01,000 -> 00:00:02,000", "text" }, 2, "expected a cue timing")]
    [InlineData("bad.srt", new[] { "1", "00:00:05,000 --> 00:00:02,000", "text" }, 2, "ends (00:00:02,000) before it starts")]
    [InlineData("bad.vtt", new[] { "1", "00:00:01.000 --> 00:00:02.000" }, 1, "must start with WEBVTT")]
    [InlineData("bad.align", new[] { "0 100 sil", "100 oops word" }, 2, "expected 'start end word'")]
    public void Malformed_transcripts_name_the_file_and_line(string name, string[] lines, int line, string problem)
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.File(name), lines);

        var error = Assert.Throws<TranscriptFormatException>(() => SubtitleFileReader.Read(temp.File(name)));

        Assert.Equal(line, error.Line);
        Assert.StartsWith($"{temp.File(name)}:{line}: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("Ask not what your COUNTRY can do", "country")]
    [InlineData("countries fall", "country")]
    [InlineData("Help! Help!", "help")]
    [InlineData("Llamen a la policía", "policia")]
    [InlineData("drop the GUNS now", "gun")]
    [InlineData("he said: fellow Americans", "fellow american")]
    public void Keywords_match_regardless_of_case_diacritics_punctuation_and_plurals(string text, string keyword)
    {
        Assert.Equal([keyword], new KeywordWatchList([keyword]).Find(text));
    }

    [Theory]
    [InlineData("countryside walks", "country")]
    [InlineData("helpful advice", "help")]
    [InlineData("american fellow", "fellow american")]
    public void Keywords_match_whole_words_and_phrases_in_order(string text, string keyword)
    {
        Assert.Empty(new KeywordWatchList([keyword]).Find(text));
    }

    [Fact]
    public void Redaction_keeps_all_the_keywords_or_nothing()
    {
        var text = "ask what you can do for your country, help";
        var keywords = new KeywordWatchList(["help", "country", "fire"]).Find(text);

        Assert.Equal(["help", "country"], keywords);
        Assert.Equal(text, TranscriptRedaction.Apply(Redaction.None, text, keywords));
        Assert.Equal("help country", TranscriptRedaction.Apply(Redaction.KeywordsOnly, text, keywords));
        Assert.Equal("", TranscriptRedaction.Apply(Redaction.Full, text, keywords));
        Assert.True(TranscriptRedaction.TryParse("keywords-only", out var parsed) && parsed == Redaction.KeywordsOnly);
    }
}
