using System.Text.Json;
using System.Text.RegularExpressions;

namespace StreamFusion.Tests.Fusion;

/// <summary>Whole-pipeline replays through the CLI: decode → vision + audio + transcript → fused window records.</summary>
public class FusionReplayTests
{
    private static List<JsonElement> Replay(TempDirectory temp, string name, params string[] args)
    {
        var output = temp.File(name);
        var result = Processes.Cli(["replay", .. args, "--out", output]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = File.ReadAllLines(output);
        foreach (var line in lines) RecordSchema.AssertValid(line);
        return lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static string Text(JsonElement record) => record.GetProperty("transcript").GetProperty("text").GetString()!;
    private static double Speech(JsonElement record) => record.GetProperty("audio").ValueKind == JsonValueKind.Null ? 0 : record.GetProperty("audio").GetProperty("speech").GetDouble();
    private static bool Has(JsonElement record, string label) => record.GetProperty("objects").EnumerateArray().Any(o => o.GetProperty("label").GetString() == label);
    private static int Window(JsonElement record) => (int)record.GetProperty("window").GetProperty("start").GetDouble();

    [Fact]
    public void Grid_words_and_speech_fall_in_their_windows_with_the_speaker_in_view()
    {
        using var temp = new TempDirectory();
        var records = Replay(temp, "grid.jsonl", TestAssets.Media("grid_swwp2s.mpg"), "--transcript", TestAssets.Media("grid_swwp2s.align"));

        // Words: set 0.49-0.77, white 0.77-1.09, with 1.09-1.22, p 1.22-1.44, two 1.44-1.73, soon 1.73-2.21 (s).
        Assert.Equal("set white", Text(records[0]));
        Assert.Equal("white with p two soon", Text(records[1]));
        Assert.Equal("soon", Text(records[2]));
        // VAD speech 0.54-2.27 s: windows 0 to 2.
        Assert.All(records.Take(3), r => Assert.True(Speech(r) >= 0.5, $"window {Window(r)}: speech {Speech(r)}"));
        Assert.All(records.Take(3), r => Assert.True(Has(r, "person"), $"window {Window(r)}: no person"));
    }

    [Fact]
    public void Person_speech_and_keyword_co_occur_and_one_incident_names_all_three()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("jfk.srt"), """
            1
            00:00:00,300 --> 00:00:02,300
            And so my fellow Americans,

            2
            00:00:03,300 --> 00:00:07,700
            ask not what your country can do for you,

            3
            00:00:08,200 --> 00:00:10,600
            ask what you can do for your country.

            """);
        var muxed = temp.File("lobby-with-speech.mkv");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("one-by-one-person-detection.mp4"), "-i", TestAssets.Media("jfk.wav"), "-i", temp.File("jfk.srt"),
            "-t", "12", "-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:v", "copy", "-c:a", "aac", "-c:s", "srt", muxed);

        var records = Replay(temp, "lobby.jsonl", muxed, "--keywords", "country,help");

        var together = records.Where(r => Has(r, "person") && Speech(r) >= 0.5
            && r.GetProperty("transcript").GetProperty("keywords").EnumerateArray().Any(k => k.GetString() == "country")).Select(Window).ToList();
        Assert.True(together.Count >= 2, $"windows with person, speech and 'country': {string.Join(",", together)}");
        Assert.All(together, w => Assert.InRange(w, 6, 10)); // the first visitor walks in at ~6.5 s; 'country' is said in 3.3-10.6 s
        var incidents = records.Where(r => r.GetProperty("incident").ValueKind == JsonValueKind.Object).Select(r => r.GetProperty("incident")).ToList();
        var reasons = incidents.Last().GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("person", reasons);
        Assert.Contains("speech", reasons);
        Assert.Contains("keyword", reasons);
        Assert.Single(incidents.Select(i => i.GetProperty("id").GetString()).Distinct());
        Assert.Matches(@"^lobby-with-speech@\d+\.000$", incidents[0].GetProperty("id").GetString()!);
    }

    [Fact]
    public void Two_replays_give_identical_records_apart_from_wallclock()
    {
        using var temp = new TempDirectory();
        string Run(string name) => string.Join("\n", File.ReadAllLines(temp.File(name)).Select(l => Regex.Replace(l, "\"wallclock\":\"[^\"]+\"", "\"wallclock\":\"-\"")));
        Replay(temp, "a.jsonl", TestAssets.Media("vtest_480x360.avi"));
        Replay(temp, "b.jsonl", TestAssets.Media("vtest_480x360.avi"));

        Assert.Equal(80, File.ReadAllLines(temp.File("a.jsonl")).Length);
        Assert.Equal(Run("a.jsonl"), Run("b.jsonl"));
    }

    [Fact]
    public void A_malformed_transcript_is_one_error_line_naming_file_and_line()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("bad.srt"), "1\n00:00:01,000 -> 00:00:02,000\nhello\n");

        var result = Processes.Cli("replay", TestAssets.Media("grid_swwp2s.mpg"), "--transcript", temp.File("bad.srt"));

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"error: {temp.File("bad.srt")}:2: expected a cue timing", result.Stderr.Trim());
    }
}
