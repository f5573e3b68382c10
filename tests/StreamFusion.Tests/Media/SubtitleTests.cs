using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Tests.Media;

public class SubtitleTests
{
    private const string Srt = """
        1
        00:00:00,500 --> 00:00:01,200
        Hello <i>there</i>

        2
        00:00:01,500 --> 00:00:02,750
        ask not what your country
        can do for you

        """;

    [Theory]
    [InlineData("mkv", "srt")]
    [InlineData("mkv", "ass")]
    [InlineData("mp4", "mov_text")]
    [InlineData("mkv", "webvtt")]
    public void Text_subtitle_cues_arrive_with_start_end_and_plain_text(string container, string codec)
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("cues.srt"), Srt);
        var output = temp.File($"subtitled.{container}");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("grid_swwp2s.mpg"), "-i", temp.File("cues.srt"),
            "-c:v", "copy", "-c:a", container == "mp4" ? "aac" : "copy", "-c:s", codec, output);

        using var source = MediaSource.Open(output);
        var cues = new List<SubtitleCue>();
        var videoFrames = 0;
        while (source.ReadNext() is { } item)
        {
            if (item is SubtitleCue cue) cues.Add(cue);
            if (item is VideoFrame) videoFrames++;
            item.Dispose();
        }

        Assert.Equal(75, videoFrames);
        Assert.Equal(2, cues.Count);
        Assert.Equal("Hello there", cues[0].Text);
        Assert.Equal((0.5, 1.2), (Math.Round(cues[0].Pts, 2), Math.Round(cues[0].End, 2)));
        Assert.Equal("ask not what your country\ncan do for you", cues[1].Text);
        Assert.Equal((1.5, 2.75), (Math.Round(cues[1].Pts, 2), Math.Round(cues[1].End, 2)));
    }

    [Theory]
    [InlineData("0,0,Default,,0,0,0,,Hello {\\i1}there{\\i0}", "Hello there")]
    [InlineData("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,one\\Ntwo", "one\ntwo")]
    [InlineData("3,0,Default,,0,0,0,,comma, inside, text", "comma, inside, text")]
    [InlineData("plain text line", "plain text line")]
    public void Ass_events_become_plain_text(string events, string expected) =>
        Assert.Equal(expected, AssText.ToPlainText(events));
}
