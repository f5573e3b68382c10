using System.Text.Json;
using OpenCvSharp;
using StreamFusion.Tests.Evidence;

namespace StreamFusion.Tests.Fusion;

/// <summary>Incident snapshots (issue 21, first part): a JPEG of the incident's start and best frame, boxes drawn, referenced by the record.</summary>
public class SnapshotTests
{
    [Fact]
    public void An_incident_gets_a_start_and_a_best_snapshot_with_the_frames_boxes_drawn()
    {
        using var temp = new TempDirectory();
        var (lobby, help) = LobbyScene.Write(temp);
        var evidence = temp.File("evidence");
        var replay = Processes.Cli("replay", lobby, "--transcript", help, "--keywords", "help", "--no-kafka", "--out", temp.File("records.jsonl"), "--evidence", evidence);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var lines = File.ReadAllLines(temp.File("records.jsonl"));
        foreach (var line in lines) RecordSchema.AssertValid(line);
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var snapshots = records.Where(r => r.TryGetProperty("snapshot", out _)).ToList();
        Assert.Equal("start", snapshots[0].GetProperty("snapshot").GetProperty("kind").GetString());
        Assert.Equal("start", snapshots[0].GetProperty("incident").GetProperty("state").GetString());
        Assert.All(snapshots.Skip(1), r => Assert.Equal("best", r.GetProperty("snapshot").GetProperty("kind").GetString()));

        foreach (var record in snapshots)
        {
            var snapshot = record.GetProperty("snapshot");
            var pts = snapshot.GetProperty("pts").GetDouble();
            Assert.InRange(pts, record.GetProperty("window").GetProperty("start").GetDouble(), record.GetProperty("window").GetProperty("end").GetDouble());
            var file = Path.Combine(evidence, snapshot.GetProperty("path").GetString()!);
            var probe = Processes.Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file]);
            Assert.Equal($"mjpeg,{snapshot.GetProperty("width").GetInt32()},{snapshot.GetProperty("height").GetInt32()}", probe.Stdout.Trim());
            Assert.Equal("768,432", $"{snapshot.GetProperty("width").GetInt32()},{snapshot.GetProperty("height").GetInt32()}"); // the frame's size
            // Each box the snapshot reports is drawn in the box colour (JPEG: near it) along its bottom edge (labels sit
            // on top).
            using var image = Cv2.ImRead(file);
            using var green = new Mat();
            Cv2.InRange(image, new Scalar(0, 170, 0), new Scalar(110, 255, 110), green);
            var boxes = snapshot.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            Assert.Contains(snapshot.GetProperty("objects").EnumerateArray(), o => o.GetProperty("label").GetString() == "person");
            foreach (var box in boxes.Where(b => b[1] + b[3] < 0.98 && b[2] * image.Width > 20))
            {
                var (row, left, right) = ((int)(image.Height * (box[1] + box[3])), (int)(image.Width * box[0]) + 4, (int)(image.Width * (box[0] + box[2])) - 4);
                var onEdge = Enumerable.Range(left, right - left).Count(x => Enumerable.Range(row - 2, 5).Any(y => y >= 0 && y < image.Height && green.At<byte>(y, x) != 0));
                Assert.True(onEdge >= 0.9 * (right - left), $"{file}: box [{string.Join(", ", box)}]: {onEdge} of {right - left} pixels of its bottom edge in the box colour");
            }
        }
        Assert.True(File.Exists(Path.Combine(evidence, "lobby", "lobby_6.000", "start.jpg")));
        Assert.Empty(Directory.GetFiles(evidence, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void Clean_copies_and_crops_are_written_beside_the_snapshot_when_asked()
    {
        using var temp = new TempDirectory();
        var lobby = temp.File("lobby.mkv");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("one-by-one-person-detection.mp4"), "-t", "9", "-an", "-c:v", "copy", lobby);
        var evidence = temp.File("evidence");
        File.WriteAllText(temp.File("run.yaml"), $"""
            version: 1
            kafka: {"{"} enabled: false {"}"}
            vision: {"{"} model: asset:models/yolox_nano.onnx {"}"}
            fusion: {"{"} incident_threshold: 0.25 {"}"}
            output: {"{"} jsonl: {temp.File("records.jsonl")} {"}"}
            evidence:
              dir: {evidence}
              snapshot: {"{"} clean: true, crops: true, max_width: 384 {"}"}
              clip: {"{"} enabled: false {"}"}
            cameras:
              - {"{"} id: lobby, uri: {lobby} {"}"}
            """);

        var run = Processes.Cli("run", temp.File("run.yaml"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        var start = JsonDocument.Parse(File.ReadLines(temp.File("records.jsonl")).First(l => l.Contains("\"snapshot\""))).RootElement.GetProperty("snapshot");
        var folder = Path.Combine(evidence, Path.GetDirectoryName(start.GetProperty("path").GetString())!);
        using var drawn = Cv2.ImRead(Path.Combine(folder, "start.jpg"));
        using var clean = Cv2.ImRead(Path.Combine(folder, "start-clean.jpg"));
        Assert.Equal((384, 216), (clean.Width, clean.Height));
        using var green = new Mat();
        Cv2.InRange(clean, new Scalar(0, 170, 0), new Scalar(110, 255, 110), green);
        Assert.True(Cv2.CountNonZero(green) < 20, "nothing drawn on the clean copy"); // the drawn one has boxes (first test)
        var objects = start.GetProperty("objects").EnumerateArray().ToList();
        var crops = Directory.GetFiles(Path.Combine(folder, "crops"), "start-*.jpg").Order().ToList();
        Assert.Equal(objects.Count, crops.Count);
        var person = objects.FindIndex(o => o.GetProperty("label").GetString() == "person");
        Assert.True(person >= 0);
        using var crop = Cv2.ImRead(crops.Single(c => Path.GetFileName(c).StartsWith($"start-{person + 1}-person", StringComparison.Ordinal)));
        var box = objects[person].GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(crop.Width, box[2] * 768, box[2] * 768 * 1.25); // at full resolution, a tenth around
        Assert.Empty(Directory.GetFiles(evidence, "clip*", SearchOption.AllDirectories));
    }
}
