using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using StreamFusion.Tests.Live;
using StreamFusion.Tests.Media;
using static StreamFusion.Tests.Waiting;

namespace StreamFusion.Tests.Evidence;

/// <summary>
/// Incident clips (issue 21): the camera's compressed packets remuxed without decoding, from the keyframe at or before
/// start − pre_roll to post_roll after the end, announced only once complete; checked with ffprobe.
/// </summary>
public class ClipTests
{
    [Fact]
    public void A_replayed_incident_gets_a_clip_from_a_keyframe_before_its_pre_roll_with_audio_and_every_frame()
    {
        using var temp = new TempDirectory();
        var (lobby, help) = LobbyScene.Write(temp);
        var evidence = temp.File("evidence");

        var replay = Processes.Cli("replay", lobby, "--transcript", help, "--keywords", "help", "--no-kafka", "--out", temp.File("records.jsonl"), "--evidence", evidence);

        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var records = File.ReadAllLines(temp.File("records.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var marked = records.Where(r => r.TryGetProperty("clip", out _)).ToList();
        Assert.Equal(["start", "end"], marked.Select(r => r.GetProperty("incident").GetProperty("state").GetString()));
        var incidentStart = marked[0].GetProperty("incident").GetProperty("start").GetDouble();
        var path = marked[0].GetProperty("clip").GetProperty("path").GetString()!;
        Assert.Equal(path, marked[1].GetProperty("clip").GetProperty("path").GetString());
        Assert.Equal(Path.Combine("lobby", "lobby_6.000", "clip.mp4"), path);

        var ready = ReadyMessage(evidence, path);
        var clip = Probe(Path.Combine(evidence, path));
        var keyframes = Probe(lobby).KeyframeTimes;
        var gop = keyframes.Zip(keyframes.Skip(1), (a, b) => b - a).Max();
        var from = incidentStart - 5; // the default pre_roll
        Assert.InRange(ready.GetProperty("start").GetDouble(), from - gop - 0.001, from);
        Assert.True(keyframes.Any(k => Math.Abs(k - ready.GetProperty("start").GetDouble()) < 0.002), "the clip starts at one of the source's keyframes");
        Assert.True(clip.FirstIsKeyframe);
        Assert.Equal(ready.GetProperty("video_frames").GetInt32(), clip.VideoFrames);
        Assert.InRange(clip.VideoFrames, (int)(clip.VideoDuration * 10) - 1, (int)(clip.VideoDuration * 10) + 1); // 10 fps footage
        // The input ends (12.16 s) before the incident's end + post_roll: the clip runs to the input's last frame.
        Assert.InRange(ready.GetProperty("end").GetDouble(), 12.1, 12.2);
        Assert.Equal("aac", clip.AudioCodec);
        Assert.Empty(Directory.GetFiles(evidence, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_live_incident_clip_ends_post_roll_after_the_incident_is_announced_only_when_complete_and_a_killed_run_leaves_no_clip()
    {
        using var temp = new TempDirectory();
        // The lobby footage looped live with quiet audio: nobody for 6 s, then a person for 6 s, every 12 s.
        var footage = temp.File("lobby-quiet.mkv");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("one-by-one-person-detection.mp4"), "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono",
            "-t", "12", "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", footage);
        var (port, metricsPort) = (NetworkSourceTests.FreeTcpPort(), NetworkSourceTests.FreeTcpPort());
        using var server = LiveFfmpeg.ServeHttpTs(port, footage);
        var (evidence, records) = (temp.File("evidence"), temp.File("records.jsonl"));
        File.WriteAllText(temp.File("live.yaml"), $"""
            version: 1
            kafka: {"{"} enabled: false {"}"}
            metrics: {"{"} listen: 127.0.0.1:{metricsPort} {"}"}
            vision: {"{"} model: asset:models/yolox_nano.onnx {"}"}
            audio: {"{"}{"}"}
            fusion: {"{"} incident_threshold: 0.25 {"}"}   # a person present is an incident
            output: {"{"} jsonl: {records} {"}"}
            evidence:
              dir: {evidence}
              clip: {"{"} pre_roll: 3s, post_roll: 2s {"}"}
            cameras:
              - id: door
                uri: http://127.0.0.1:{port}/cam.ts
            """);
        using var run = new BackgroundCli("run", temp.File("live.yaml"));
        var endpoint = new OperationsEndpoint(metricsPort);
        var first = Path.Combine(evidence, "door", "door_6.000");

        WaitUntil(() => File.Exists(Path.Combine(first, "clip.json")), TimeSpan.FromSeconds(120), "the first incident's clip ready", run.Describe);
        var ready = ReadyMessage(evidence, Path.Combine("door", "door_6.000", "clip.mp4"));
        var lines = Records(records);
        var end = lines.Single(r => r.GetProperty("incident") is { ValueKind: JsonValueKind.Object } i && i.GetProperty("id").GetString() == "door@6.000"
                                    && i.GetProperty("state").GetString() == "end");
        Assert.Equal(Path.Combine("door", "door_6.000", "clip.mp4"), end.GetProperty("clip").GetProperty("path").GetString());
        var incidentEnd = end.GetProperty("window").GetProperty("start").GetDouble();
        Assert.True(ready.GetProperty("end").GetDouble() >= incidentEnd + 2, $"clip ends {ready.GetProperty("end")} s, incident ended {incidentEnd} s");
        Assert.InRange(ready.GetProperty("start").GetDouble(), 6 - 3 - 1.001, 6 - 3); // keyframes every second
        var clip = Probe(Path.Combine(first, "clip.mp4"));
        Assert.True(clip.FirstIsKeyframe);
        Assert.Equal(ready.GetProperty("video_frames").GetInt32(), clip.VideoFrames);
        Assert.InRange(clip.VideoFrames, (int)(clip.VideoDuration * 10) - 1, (int)(clip.VideoDuration * 10) + 1);
        Assert.Equal("aac", clip.AudioCodec);
        // The ring reaches back pre_roll + the time an incident takes to be known (10 s + fusion's lateness), to a keyframe.
        var ringSeconds = endpoint.Metric("streamfusion_clip_ring_seconds{camera=\"door\"}");
        Assert.InRange(ringSeconds, 3 + 10, 3 + 10 + 3 + 5 + 1.1);
        Assert.InRange(endpoint.Metric("streamfusion_clip_ring_bytes{camera=\"door\"}"), 10_000, 2_000_000);
        Assert.Equal(1, endpoint.Metric("streamfusion_clips_total{camera=\"door\"}"));

        // Killed while the next incident's clip is being written: nothing under the final name, only the temporary file.
        var second = Path.Combine(evidence, "door", "door_18.000");
        WaitUntil(() => Records(records).Any(r => r.TryGetProperty("clip", out var c) && c.GetProperty("path").GetString()!.Contains("door_18.000")),
            TimeSpan.FromSeconds(60), "the second incident's start", run.Describe);
        Thread.Sleep(1000);
        run.Signal("KILL");
        run.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(Path.Combine(second, "clip.mp4")));
        Assert.False(File.Exists(Path.Combine(second, "clip.json")));
        Assert.True(File.Exists(Path.Combine(second, "clip.mp4.part")));
    }

    [Fact]
    public void An_incident_longer_than_max_length_goes_on_in_a_second_clip()
    {
        using var temp = new TempDirectory();
        var (lobby, help) = LobbyScene.Write(temp);
        var evidence = temp.File("evidence");
        File.WriteAllText(temp.File("run.yaml"), $"""
            version: 1
            kafka: {"{"} enabled: false {"}"}
            vision: {"{"} model: asset:models/yolox_nano.onnx {"}"}
            audio: {"{"}{"}"}
            fusion: {"{"} keywords: [help] {"}"}
            output: {"{"} jsonl: {temp.File("records.jsonl")} {"}"}
            evidence:
              dir: {evidence}
              clip: {"{"} pre_roll: 2s, post_roll: 2s, max_length: 5s {"}"}
            cameras:
              - {"{"} id: lobby, uri: {lobby}, transcript: {help} {"}"}
            """);

        var run = Processes.Cli("run", temp.File("run.yaml"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        var folder = Path.Combine("lobby", "lobby_6.000");
        var first = ReadyMessage(evidence, Path.Combine(folder, "clip.mp4"));
        var second = ReadyMessage(evidence, Path.Combine(folder, "clip-2.mp4"));
        Assert.InRange(first.GetProperty("duration").GetDouble(), 4.9, 5.0001); // cut at max_length
        Assert.InRange(second.GetProperty("start").GetDouble(), first.GetProperty("end").GetDouble() - 1.001, first.GetProperty("end").GetDouble()); // from the keyframe before
        Assert.True(second.GetProperty("end").GetDouble() >= 9 + 2, "the second part runs to post_roll after the incident's end (9 s)");
        Assert.True(Probe(Path.Combine(evidence, folder, "clip-2.mp4")).FirstIsKeyframe);
    }

    /// <summary>The clip's "clip ready" (clip.json beside it), checked against the schema and the file it describes.</summary>
    private static JsonElement ReadyMessage(string evidence, string clipPath)
    {
        var json = File.ReadAllText(Path.Combine(evidence, Path.ChangeExtension(clipPath, ".json")));
        RecordSchema.AssertValidClip(json);
        var ready = JsonDocument.Parse(json).RootElement.Clone();
        var file = Path.Combine(evidence, clipPath);
        Assert.Equal(clipPath, ready.GetProperty("path").GetString());
        Assert.Equal(new FileInfo(file).Length, ready.GetProperty("bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), ready.GetProperty("sha256").GetString());
        return ready;
    }

    private static List<JsonElement> Records(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Where(l => l.EndsWith('}')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private sealed record ProbedMedia(IReadOnlyList<double> KeyframeTimes, bool FirstIsKeyframe, int VideoFrames, double VideoDuration, string? AudioCodec);

    /// <summary>What ffprobe (an independent reader) sees: every video frame, which are keyframes, and the audio codec.</summary>
    private static ProbedMedia Probe(string file)
    {
        var frames = Processes.Run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "frame=key_frame,pts_time", "-of", "csv=p=0", file])
            .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        var times = frames.Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToList();
        var keyframes = frames.Where(f => f[0] == "1").Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToList();
        var sorted = times.Order().ToList();
        var duration = sorted[^1] - sorted[0] + (sorted[^1] - sorted[0]) / (sorted.Count - 1); // the last frame lasts one interval
        var audio = Processes.Run("ffprobe", ["-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_name", "-of", "csv=p=0", file]).Stdout.Trim();
        return new ProbedMedia(keyframes, frames[0][0] == "1", frames.Count, duration, audio.Length > 0 ? audio : null);
    }
}
