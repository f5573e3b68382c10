using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamFusion.Tests.Media;

namespace StreamFusion.Tests.Cli;

/// <summary>The streamfusion command as a user runs it: a separate process, exit codes, stdout and stderr.</summary>
public class CliTests
{
    [Fact]
    public void Probe_json_reports_frames_size_and_audio_stream()
    {
        var result = Processes.Cli("probe", TestAssets.Media("vtest_480x360.avi"), "--count-frames", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var streams = json.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var video = streams.Single(s => s.GetProperty("type").GetString() == "video");
        Assert.Equal(795, video.GetProperty("frames").GetInt64());
        Assert.Equal((480, 360), (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
        var audio = streams.Single(s => s.GetProperty("type").GetString() == "audio");
        Assert.Equal(44100, audio.GetProperty("sample_rate").GetInt32());
    }

    public static TheoryData<string, string, int> BadInputs() => new()
    {
        { "random", "not a media file", 3 },
        { "truncated", "file truncated or cut", 3 },
        { "missing", "no such file", 3 },
        { "rtsp://127.0.0.1:9/x", "Connection refused", 4 },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_one_error_line_and_a_nonzero_exit_within_10_seconds(string input, string message, int exitCode)
    {
        using var temp = new TempDirectory();
        var target = input switch
        {
            "random" => WriteRandom(temp.File("random.mp4")),
            "truncated" => WriteTruncated(temp),
            "missing" => temp.File("missing.mp4"),
            _ => input,
        };

        foreach (var verb in new[] { "probe", "replay" })
        {
            var result = Processes.CliWithin(TimeSpan.FromSeconds(30), verb, target);

            Assert.True(result.Elapsed < TimeSpan.FromSeconds(10), $"{verb} took {result.Elapsed}");
            Assert.Equal(exitCode, result.ExitCode);
            // Informational "[camera] opened: ...", "[camera] warning: ..." and, once an input opened, "kafka: ..." lines may
            // precede it; the error itself is one last line.
            var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines, l => l.StartsWith("error: "));
            Assert.Equal(line, lines[^1]);
            Assert.Contains(message, line);
            Assert.All(lines[..^1], l => Assert.Matches(@"^(\[[\w.-]+\] (opened|warning): |kafka: )", l));
        }
    }

    [Fact]
    public void Json_log_format_turns_every_stderr_line_into_an_object_with_level_and_camera()
    {
        var ok = Processes.Cli("replay", TestAssets.Media("grid_swwp2s.mpg"), "--no-vision", "--no-kafka", "--log-format", "json");
        var failed = Processes.Cli("probe", "/nonexistent/clip.mp4", "--log-format", "json");

        Assert.Equal((0, 3), (ok.ExitCode, failed.ExitCode));
        var lines = ok.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var opened = Assert.Single(lines, l => l.GetProperty("message").GetString()!.StartsWith("opened: "));
        Assert.Equal(("info", "grid_swwp2s"), (opened.GetProperty("level").GetString(), opened.GetProperty("camera").GetString()));
        var error = JsonDocument.Parse(failed.Stderr.Trim()).RootElement;
        Assert.Equal("error", error.GetProperty("level").GetString());
        Assert.Contains("no such file", error.GetProperty("message").GetString());
        Assert.True(DateTimeOffset.TryParse(error.GetProperty("ts").GetString(), CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public void Bench_speech_reports_real_time_factors_and_cameras_per_core_against_pocketsphinx_continuous()
    {
        var result = Processes.Cli("bench", "speech", "--engines", "keywords", "--repeat", "1", "--json");
        var bad = Processes.Cli("bench", "speech", "--engines", "keywords,kaldi");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["jfk.wav", "GRID, 20 clips"], rows.Select(r => r.GetProperty("corpus").GetString()));
        Assert.All(rows, r => Assert.Equal("pocketsphinx keywords", r.GetProperty("engine").GetString()));
        // measured: RTF 0.02-0.03, 36-52 cameras per core, on par with or faster than the C tool
        Assert.All(rows, r => Assert.InRange(r.GetProperty("real_time_factor").GetDouble(), 0.001, 0.5));
        Assert.All(rows, r => Assert.True(r.GetProperty("speech_seconds").GetDouble() < r.GetProperty("audio_seconds").GetDouble()));
        Assert.All(rows, r => Assert.True(r.GetProperty("baseline_seconds").GetDouble() > 0));
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --engines: 'kaldi': expected keywords, transcribe, both or whisper", bad.Stderr.Trim());
    }

    [Fact]
    public void Bench_pipeline_measures_the_limits_and_the_whole_pipeline_in_one_run()
    {
        var result = Processes.Cli("bench", "pipeline", TestAssets.Media("grid_swwp2s.mpg"), "--frames", "10", "--rounds", "2", "--no-baseline", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        // decode, inference in the pipeline's setting (runs side by side), one run over every core (with 2+ cores), the pipeline
        Assert.Equal(Environment.ProcessorCount > 1 ? 4 : 3, runs.Count);
        Assert.Contains(runs.Keys, name => name.StartsWith("whole pipeline (3x the footage"));
        Assert.All(runs.Values, r => Assert.True(r.GetProperty("fps").GetDouble() > 0));
        var pipeline = runs.Single(r => r.Key.StartsWith("whole pipeline")).Value;
        Assert.True(pipeline.GetProperty("records_per_second").GetDouble() > 0 && pipeline.GetProperty("peak_rss_mb").GetDouble() > 50);
        Assert.True(json.RootElement.GetProperty("ratios").GetProperty("pipeline / min(decode, inference)").GetDouble() > 0);
        // every round's own ratio, limits measured right before its pipeline run
        var rounds = json.RootElement.GetProperty("ratio_rounds").GetProperty("pipeline / min(decode, inference)").EnumerateArray().Select(r => r.GetDouble()).ToList();
        Assert.Equal(2, rounds.Count);
        Assert.All(rounds, r => Assert.True(r > 0));
        Assert.True(json.RootElement.GetProperty("mfcc_real_time_factor").GetDouble() > 1);
        var live = json.RootElement.GetProperty("live_capture_to_ack_ms"); // the 3 s clip at its real rate
        Assert.True(live.GetProperty("p99").GetDouble() >= live.GetProperty("p50").GetDouble() && live.GetProperty("p50").GetDouble() > 0);
    }

    [Fact]
    public void Replay_of_a_truncated_file_still_processes_the_frames_before_the_cut()
    {
        using var temp = new TempDirectory();
        var result = Processes.Cli("replay", WriteTruncated(temp));

        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"completed in [0-9.]+s: 1[0-9]{2} frames", result.Stdout);
    }

    [Fact]
    public void Replay_prints_stats_lines_and_a_summary_when_not_on_a_terminal()
    {
        var result = Processes.Cli("replay", TestAssets.Media("grid_swwp2s.mpg"), "--speed", "4", "--stats-interval", "0.25");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("[grid_swwp2s] pos=") && l.Contains("frames=") && l.Contains("fps=") && l.Contains("dropped=0"));
        Assert.Contains("[grid_swwp2s] completed in", lines[^2]);
        Assert.Contains("75 frames", lines[^2]);
        Assert.StartsWith("kafka: 3 records published", lines[^1]);
    }

    [Fact]
    public void Run_validates_the_config_and_names_file_line_and_key()
    {
        using var temp = new TempDirectory();
        var config = temp.File("bad.yaml");
        File.WriteAllText(config, "cameras:\n  - id: a\n    uri: x.mp4\n    pace: warp\n");

        var result = Processes.Cli("run", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {config}:4:11: cameras[0].pace: expected 'fast', 'realtime' or a speed such as 2x, got 'warp'", result.Stderr.Trim());
    }

    [Fact]
    public void Run_executes_a_config_with_two_cameras()
    {
        using var temp = new TempDirectory();
        var config = temp.File("two.yaml");
        File.WriteAllText(config, $"""
            cameras:
              - id: plaza
                uri: asset:media/vtest_480x360.avi
                decode: {"{"} audio: false {"}"}
              - id: face
                uri: {TestAssets.Media("grid_swwp2s.mpg")}
            """);

        var result = Processes.Cli("run", config, "--assets", Path.GetDirectoryName(Path.GetDirectoryName(TestAssets.Media("jfk.wav")))!);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[plaza] completed", result.Stdout);
        Assert.Contains("795 frames", result.Stdout);
        Assert.Contains("[face] completed", result.Stdout);
    }

    [Fact]
    public async Task Sigterm_on_a_live_source_drains_and_exits_143_within_the_drain_timeout()
    {
        var port = NetworkSourceTests.FreeUdpPort();
        using var sender = LiveFfmpeg.Start("-f", "mpegts", $"udp://127.0.0.1:{port}?pkt_size=1316");
        using var temp = new TempDirectory();
        var config = temp.File("live.yaml");
        File.WriteAllText(config, $"stats_interval: 250ms\ncameras:\n  - id: live\n    uri: udp://127.0.0.1:{port}\n    queues: {{ capacity: 2, policy: drop-oldest }}\n");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "streamfusion.dll"), "run", config }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();

        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !Regex.IsMatch(line, @"\[live\] .*frames=[1-9]")) { }
        Assert.NotNull(line);
        var clock = Stopwatch.StartNew();
        Processes.Tool("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture));
        var rest = await process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(143, process.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"shutdown took {clock.Elapsed} (drained, not cut off at the 10 s drain timeout)");
        Assert.Contains("[live] drained in", rest);
        Assert.Contains("SIGTERM: stopping sources", await stderr);
    }

    [Fact]
    public void A_pipeline_with_vision_and_audio_sees_the_face_and_hears_the_sentence()
    {
        // A copy in a temp folder, so the records it writes (relative to the file) stay out of the repository.
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("pipelines"));
        var nested = temp.File(Path.Combine("pipelines", "talking-face.yaml"));
        File.Copy(Path.Combine(StreamFusion.Tests.Config.PipelineConfigTests.RepositoryRoot(), "pipelines", "talking-face.yaml"), nested);

        var result = Processes.Cli("run", nested);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("listening (VAD: silero)", result.Stderr);
        Assert.Equal(4, File.ReadAllLines(temp.File(Path.Combine("records", "talking-face.jsonl"))).Length);
        Assert.Matches(@"\[face\] completed .* 75 frames .* [1-9]\d* objects, [1-9]\d* tracks, 3 audio windows, 1 speech segments, 0 sound events", result.Stdout);
    }

    [Fact]
    public void Bad_arguments_exit_2_with_a_pointer_to_help()
    {
        var result = Processes.Cli("replay", "x.mp4", "--policy", "sometimes");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error:", result.Stderr);
        Assert.Contains("--help", result.Stderr);
    }

    [Fact]
    public void Detect_writes_json_lines_with_normalised_boxes_and_track_ids()
    {
        using var temp = new TempDirectory();
        var image = temp.File("frame.png");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("one-by-one-person-detection.mp4"), "-vf", "select=eq(n\\,800)", "-fps_mode", "passthrough", "-frames:v", "1", image);
        var records = temp.File("detections.jsonl");

        var result = Processes.Cli("detect", image, "--out", records, "--device", "cpu", "--classes", "person");

        Assert.Equal(0, result.ExitCode);
        var lines = File.ReadAllLines(records);
        using var first = JsonDocument.Parse(lines[0]);
        var person = first.RootElement.GetProperty("objects").EnumerateArray().Single();
        Assert.Equal("person", person.GetProperty("label").GetString());
        Assert.InRange(person.GetProperty("score").GetDouble(), 0.8, 1.0);
        Assert.All(person.GetProperty("box").EnumerateArray(), v => Assert.InRange(v.GetDouble(), 0, 1));
        Assert.Equal(1, person.GetProperty("track").GetInt32());
        Assert.Equal(0, first.RootElement.GetProperty("pts").GetDouble());
    }

    [Fact]
    public void Detect_to_stdout_writes_only_records_there_so_they_can_be_piped()
    {
        // The run takes seconds, so progress lines (one a second) are written too: to stderr.
        var result = Processes.Cli("detect", TestAssets.Media("vtest_480x360.avi"), "--json", "--preprocess", "device");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 100, $"{lines.Length} records");
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains("] completed in ", result.Stderr);
        Assert.Contains(" pos=", result.Stderr);
        Assert.Contains("detecting on CPUExecutionProvider, frames letterboxed there", result.Stderr);
    }

    [Fact]
    public void Detect_on_a_gpu_device_that_is_not_there_says_so_in_one_line()
    {
        var result = Processes.Cli("detect", TestAssets.Media("grid_swwp2s.mpg"), "--device", "cuda");

        Assert.Equal(5, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --device cuda:0: this ONNX Runtime build has no CUDAExecutionProvider", line);
    }

    [Fact]
    public void Mfcc_on_a_cuda_device_that_is_not_there_says_so_in_one_line_and_tensorrt_is_no_mfcc_device()
    {
        using var temp = new TempDirectory();
        var config = temp.File("gpu-mfcc.yaml");
        File.WriteAllText(config, $"audio: {{ mfcc: {{ device: cuda }} }}\ncameras:\n  - {{ id: face, uri: {TestAssets.Media("grid_swwp2s.mpg")} }}\n");

        var result = Processes.Cli("run", config);

        Assert.Equal(5, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:"));
        Assert.Contains("audio.mfcc.device cuda:0: libcuda.so.1 (the NVIDIA driver) not found", line);

        File.WriteAllText(config, "audio: { mfcc: { device: tensorrt } }\ncameras:\n  - { id: face, uri: x.mpg }\n");
        var refused = Processes.Cli("run", config);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("audio.mfcc.device: expected auto, cpu or cuda[:N]", refused.Stderr);
    }

    [Fact]
    public void Features_dumps_the_mfcc_matrix_with_frame_pts()
    {
        var result = Processes.Cli("features", TestAssets.Media("jfk.wav"), "--mfcc");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("pts,c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12", lines[0]);
        Assert.Equal(1098, lines.Length - 1);
        Assert.StartsWith("0.010,", lines[2]);
        Assert.Equal(14, lines[^1].Split(',').Length);
    }

    [Fact]
    public void Audio_prints_one_json_window_per_second_with_speech_and_events()
    {
        var result = Processes.Cli("audio", TestAssets.Media("jfk.wav"), "--json");

        Assert.Equal(0, result.ExitCode);
        var windows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(11, windows.Count);
        Assert.Equal(1.0, windows[1].GetProperty("speech").GetDouble(), 1);
        Assert.Equal(13, windows[1].GetProperty("mfcc_mean").GetArrayLength());
        Assert.Contains(windows, w => w.GetProperty("speech_segments").GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("features")]
    [InlineData("audio")]
    [InlineData("detect")]
    [InlineData("probe")]
    [InlineData("replay")]
    [InlineData("run")]
    [InlineData("doctor")]
    [InlineData("bench")]
    [InlineData("broker")]
    [InlineData("cameras")]
    [InlineData("worker")]
    public void Every_verb_has_help(string verb)
    {
        var result = Processes.Cli(verb, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout);
        Assert.Contains(verb, result.Stdout);
    }

    [Theory]
    [InlineData("decode")]
    [InlineData("vision")]
    [InlineData("audio")]
    [InlineData("speech")]
    [InlineData("kafka")]
    [InlineData("pipeline")]
    public void Every_bench_verb_checks_its_arguments_before_it_starts(string verb)
    {
        var result = Processes.Cli("bench", verb, "--repeat-typo", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: Unrecognized command or argument '", result.Stderr); // the typo, or its value where the verb takes a file
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Bench_pipeline_checks_its_python_baseline_up_front_and_names_the_apt_command()
    {
        var missing = StreamFusion.Bench.PythonBaseline.MissingPackages(new Dictionary<string, string> { ["json"] = "python3-minimal", ["no_such_module_xyz"] = "python3-xyz" });
        Assert.Equal(["python3-xyz"], missing);

        var cv2 = StreamFusion.Bench.PythonBaseline.MissingPackages(new Dictionary<string, string> { ["cv2"] = "python3-opencv" });
        if (cv2.Count == 0) return; // this machine has the baseline's modules: the check passes and the bench runs (Bench_pipeline_measures…)
        var result = Processes.Cli("bench", "pipeline", TestAssets.Media("grid_swwp2s.mpg"), "--frames", "10", "--rounds", "1");
        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"^error: bench pipeline: the Python baseline needs python3-opencv.*: apt-get install python3-opencv.* \(or --no-baseline\)$", result.Stderr.Trim());
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), $"took {result.Elapsed}: the check must come before the measurements");
    }

    [Fact]
    public void Doctor_finds_the_native_libraries_and_assets_here()
    {
        var result = Processes.Cli("doctor");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"ok +FFmpeg shim +libavformat \d+", result.Stdout);
        Assert.Matches(@"ok +ONNX Runtime .*CPUExecutionProvider", result.Stdout);
        Assert.Matches(@"ok +OpenCV", result.Stdout);
        Assert.Matches(@"ok +asset models/yolox_nano.onnx", result.Stdout);
    }

    private static string WriteRandom(string path)
    {
        var bytes = new byte[100_000];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    internal static string WriteTruncated(TempDirectory temp)
    {
        var whole = temp.File("whole.mp4");
        Processes.Tool("ffmpeg", "-v", "error", "-i", TestAssets.Media("car-detection.mp4"), "-c", "copy", "-movflags", "+faststart", whole);
        var bytes = File.ReadAllBytes(whole);
        var cut = temp.File("cut.mp4");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        return cut;
    }
}
