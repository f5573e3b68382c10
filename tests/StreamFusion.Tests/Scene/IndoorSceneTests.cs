using OpenCvSharp;
using StreamFusion.Vision.Scene;

namespace StreamFusion.Tests.Scene;

/// <summary>The indoor camera (one-by-one-person-detection.mp4): six people walk one by one to a table and away.</summary>
public class IndoorSceneTests
{
    private const string Table = """
        zones:
          - name: table
            points: [[0.45, 0.72], [0.8, 0.72], [0.8, 1.0], [0.45, 1.0]]
            objects: [person]
        """;

    private static string Media => TestAssets.Media("one-by-one-person-detection.mp4");

    [Fact]
    public void Each_person_at_the_table_enters_once_and_leaves_once_and_an_object_mask_there_removes_them_all()
    {
        var run = new DetectRun(Media, Table);
        var enters = run.Events.Where(e => e.Kind == "enter").ToList();
        var exits = run.Events.Where(e => e.Kind == "exit").ToList();
        Assert.Equal(6, enters.Count);
        Assert.Equal(6, exits.Count);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(enters[i].Track, exits[i].Track); // in turn: each leaves before the next arrives
            Assert.True(exits[i].Pts > enters[i].Pts);
            Assert.InRange(exits[i].Dwell!.Value, 8, 30);
        }

        var masked = new DetectRun(Media, Table + """

            masks:
              - name: table-area
                kind: object
                points: [[0.4, 0.65], [0.85, 0.65], [0.85, 1.0], [0.4, 1.0]]
            """);
        Assert.Empty(masked.Events);
        Assert.True(masked.Frames.Sum(f => f.Objects.Count) < run.Frames.Sum(f => f.Objects.Count) / 2, "the mask drops the detections standing in it");
        Assert.DoesNotContain(masked.Frames.SelectMany(f => f.Objects), o => o.Feet is { X: > 0.4f and < 0.85f, Y: > 0.65f });
    }

    [Fact]
    public void The_motion_gate_ignores_motion_inside_a_motion_mask()
    {
        using var temp = new TempDirectory();
        // The empty room with a box jumping about its top-left corner (like a clock overlay): the only motion.
        var still = temp.File("still.png");
        Processes.Tool("ffmpeg", "-v", "error", "-y", "-ss", "2", "-i", Media, "-frames:v", "1", still);
        var clip = temp.File("overlay.mp4");
        Processes.Tool("ffmpeg", "-v", "error", "-y", "-loop", "1", "-framerate", "10", "-i", still, "-f", "lavfi", "-i", "color=white:s=60x50:r=10",
            "-filter_complex", "[0][1]overlay=x='20+mod(n*13,240)':y=20:shortest=1", "-t", "10", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
        var rules = temp.File("mask.yaml");
        File.WriteAllText(rules, """
            masks:
              - name: overlay
                kind: motion
                points: [[0.0, 0.0], [0.45, 0.0], [0.45, 0.2], [0.0, 0.2]]
            """);
        static int Analysed(ProcessResult run)
        {
            Assert.True(run.ExitCode == 0, run.Stderr);
            return int.Parse(System.Text.RegularExpressions.Regex.Match(run.Stdout + run.Stderr, @"(\d+) frames analysed").Groups[1].Value);
        }
        var plain = Analysed(Processes.Cli("detect", clip, "--out", temp.File("a.jsonl")));
        var masked = Analysed(Processes.Cli("detect", clip, "--out", temp.File("b.jsonl"), "--rules", rules));
        Assert.True(plain >= 90, $"{plain} of 100 frames analysed without the mask");
        Assert.InRange(masked, 1, 10); // only the gate's keep-alive frames (one per max_skip)
    }

    [Fact]
    public void Draw_renders_zones_and_lines_where_they_are_with_their_outline_colours()
    {
        using var temp = new TempDirectory();
        var rules = temp.File("rules.yaml");
        File.WriteAllText(rules, """
            zones:
              - name: table
                points: [[0.45, 0.72], [0.8, 0.72], [0.8, 1.0], [0.45, 1.0]]
              - name: window
                points: [[0.0, 0.05], [0.15, 0.05], [0.15, 0.4]]
            lines:
              - name: wall
                points: [[0.2, 0.58], [0.7, 0.58]]
            masks:
              - name: corner
                kind: motion
                points: [[0.85, 0.0], [1.0, 0.0], [1.0, 0.15], [0.85, 0.15]]
            """);
        var png = temp.File("frame.png");
        var result = Processes.Cli("draw", Media, "--at", "30", "--rules", rules, "--detect", "--out", png);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var image = Cv2.ImRead(png);
        Assert.Equal((768, 432), (image.Width, image.Height));
        void AssertColour(double x, double y, Scalar colour, string what)
        {
            var (px, py) = ((int)Math.Round(x * (image.Width - 1)), (int)Math.Round(y * (image.Height - 1)));
            var pixel = image.At<Vec3b>(py, px);
            Assert.True(pixel.Item0 == colour.Val0 && pixel.Item1 == colour.Val1 && pixel.Item2 == colour.Val2,
                $"{what} at ({px}, {py}) is ({pixel.Item0}, {pixel.Item1}, {pixel.Item2}), not ({colour.Val0}, {colour.Val1}, {colour.Val2})");
        }
        foreach (var (x, y) in new[] { (0.45, 0.72), (0.8, 0.72), (0.8, 1.0), (0.45, 1.0) }) AssertColour(x, y, SceneOverlay.ZoneColors[0], "table's corner");
        foreach (var (x, y) in new[] { (0.0, 0.05), (0.15, 0.05), (0.15, 0.4) }) AssertColour(x, y, SceneOverlay.ZoneColors[1], "window's corner");
        foreach (var (x, y) in new[] { (0.2, 0.58), (0.7, 0.58) }) AssertColour(x, y, SceneOverlay.LineColor, "line's end");
        AssertColour(0.85, 0.15, SceneOverlay.MaskColor, "mask's corner");
        var wall = image.At<Vec3b>((int)(0.3 * image.Height), (int)(0.3 * image.Width)); // the frame itself where nothing is drawn: the white wall
        Assert.True(wall.Item0 > 150 && wall.Item1 > 150 && wall.Item2 > 150, $"wall pixel ({wall.Item0}, {wall.Item1}, {wall.Item2})");
        Assert.Matches(@"[1-9]\d* objects", result.Stderr);
    }
}
