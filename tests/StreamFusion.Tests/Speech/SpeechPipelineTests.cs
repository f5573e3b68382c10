using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using StreamFusion.Audio.Stage;
using StreamFusion.Audio.Vad;
using StreamFusion.Inference;
using StreamFusion.Speech;
using StreamFusion.Speech.Pool;
using StreamFusion.Speech.Whisper;

namespace StreamFusion.Tests.Speech;

/// <summary>The cameras' own speech recognition in the pipeline: replayed clips with speech and no transcript.</summary>
public partial class SpeechPipelineTests(ITestOutputHelper output)
{
    private static readonly string TestWhisperModel = TestAssets.Path("models/for-tests-ggml-tiny.en.bin");

    private static List<JsonElement> Records(string file)
    {
        var lines = File.ReadAllLines(file);
        foreach (var line in lines) RecordSchema.AssertValid(line);
        return [.. lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static (double Start, string Word)[] Aligned(string clip) =>
        [.. File.ReadLines(Path.ChangeExtension(clip, ".align")).Select(l => l.Split(' ')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture) / 25000.0, p[2]))];

    [Fact]
    public void A_replayed_clip_with_speech_and_no_transcript_gets_keywords_from_speech_with_times_and_an_incident()
    {
        using var temp = new TempDirectory();
        var clip = TestAssets.Media("grid/srwi3s.mpg"); // "set red with i three soon"
        var result = Processes.Cli("replay", clip, "--speech", "pocketsphinx", "--keywords", "red,soon,help", "--no-kafka", "--out", temp.File("out.jsonl"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("recognising speech (pocketsphinx (keywords))", result.Stderr);
        var records = Records(temp.File("out.jsonl"));
        var aligned = Aligned(clip);
        foreach (var keyword in new[] { "red", "soon" })
        {
            var said = aligned.Single(w => w.Word == keyword).Start;
            var record = records.Single(r => r.GetProperty("transcript").GetProperty("keywords").EnumerateArray().Any(k => k.GetString() == keyword));
            var transcript = record.GetProperty("transcript");
            Assert.Equal(0, record.GetProperty("revision").GetInt32()); // in the first record, not a correction
            Assert.Equal("asr", transcript.GetProperty("source").GetString());
            var hit = transcript.GetProperty("hits").EnumerateArray().Single(h => h.GetProperty("keyword").GetString() == keyword);
            Assert.InRange(hit.GetProperty("start").GetDouble(), said - 0.3, said + 0.3);
            var window = record.GetProperty("window");
            Assert.InRange((hit.GetProperty("start").GetDouble() + hit.GetProperty("end").GetDouble()) / 2, window.GetProperty("start").GetDouble(), window.GetProperty("end").GetDouble());
            Assert.Contains(record.GetProperty("fused").GetProperty("reasons").EnumerateArray(), r => r.GetString() == $"keyword '{keyword}'");
        }
        Assert.DoesNotContain(records, r => r.GetProperty("transcript").GetProperty("keywords").EnumerateArray().Any(k => k.GetString() == "help"));
        Assert.Contains(records, r => r.GetProperty("incident").ValueKind == JsonValueKind.Object &&
                                      r.GetProperty("incident").GetProperty("reasons").EnumerateArray().Any(k => k.GetString() == "keyword"));
        Assert.Matches(@"1 utterances recognised \(2 keyword hits", result.Stdout);
    }

    [Fact]
    public void Transcribed_words_fill_the_text_of_the_windows_they_were_said_in_and_redaction_applies()
    {
        using var temp = new TempDirectory();
        var result = Processes.Cli("replay", TestAssets.Media("jfk.wav"), "--speech", "pocketsphinx", "--speech-mode", "transcribe", "--keywords", "you",
            "--redact", "keywords", "--no-kafka", "--out", temp.File("out.jsonl"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var records = Records(temp.File("out.jsonl"));
        var spoken = records.Where(r => r.GetProperty("transcript").GetProperty("source").ValueKind == JsonValueKind.String).ToList();
        Assert.True(spoken.Count >= 6, $"{spoken.Count} windows with speech text");
        Assert.All(spoken, r => Assert.Equal("asr", r.GetProperty("transcript").GetProperty("source").GetString()));
        // Redacted to the keywords: only "you" may remain of what was said, and it is placed by its word's time.
        Assert.All(spoken, r => Assert.Matches("^(you)?$", r.GetProperty("transcript").GetProperty("text").GetString()!));
        var hits = spoken.SelectMany(r => r.GetProperty("transcript").GetProperty("hits").EnumerateArray()).ToList();
        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.True(h.GetProperty("end").GetDouble() <= 11.1 && h.GetProperty("start").GetDouble() < h.GetProperty("end").GetDouble()));
    }

    [Fact]
    public void The_whisper_engine_runs_the_test_model_for_two_cameras_from_one_loaded_pool_and_bad_models_are_one_line_errors()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("two.yaml"), $"""
            version: 1
            vision: {"{"} enabled: false {"}"}
            speech:
              engine: whisper
              threads: 1
              whisper: {"{"} model: {TestWhisperModel} {"}"}
            fusion: {"{"} keywords: [blue, soon] {"}"}
            output: {"{"} jsonl: out.jsonl {"}"}
            cameras:
              - {"{"} id: a, uri: {TestAssets.Media("grid/bbbs5s.mpg")} {"}"}
              - {"{"} id: b, uri: {TestAssets.Media("grid/srwi3s.mpg")} {"}"}
            """);
        File.WriteAllBytes(temp.File("corrupt.bin"), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))]);

        var run = Processes.Cli("run", temp.File("two.yaml"));
        var missing = Processes.Cli("replay", TestAssets.Media("jfk.wav"), "--speech", "whisper", "--whisper-model", temp.File("nope.bin"), "--no-kafka");
        var corrupt = Processes.Cli("replay", TestAssets.Media("jfk.wav"), "--speech", "whisper", "--whisper-model", temp.File("corrupt.bin"), "--no-kafka");

        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (var camera in new[] { "a", "b" })
        {
            Assert.Contains($"[{camera}] opened:", run.Stderr);
            Assert.Matches($@"\[{camera}\] completed .* 1 utterances recognised", run.Stdout);
        }
        Assert.Contains("recognising speech (whisper (for-tests-ggml-tiny.en.bin, en))", run.Stderr);
        Assert.All(Records(temp.File("out.jsonl")), r => Assert.Equal(0, r.GetProperty("revision").GetInt32()));
        Assert.Equal((3, 3), (missing.ExitCode, corrupt.ExitCode));
        Assert.Equal($"error: whisper: model not found: {temp.File("nope.bin")} (download a ggml model such as ggml-base.en.bin from https://huggingface.co/ggerganov/whisper.cpp)",
            missing.Stderr.Trim().Split('\n')[^1]);
        Assert.StartsWith($"error: whisper: cannot load {temp.File("corrupt.bin")}: not a ggml whisper model", corrupt.Stderr.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("   at ", missing.Stderr + corrupt.Stderr);
    }

    [Fact]
    public async Task Cameras_with_the_same_settings_share_one_pool_that_never_loads_more_engines_than_the_budget_allows()
    {
        var settings = new SpeechSettings { Engine = SpeechEngineKind.Whisper, Whisper = new WhisperSettings { Model = TestWhisperModel } };
        using var sharing = new SpeechSharing(threads: 1);
        var clips = Clips(TestAssets.Media("grid/bbbs5s.mpg"));

        var (a, b) = (sharing.PoolFor(settings), sharing.PoolFor(settings with { }));
        var results = await Task.WhenAll(Task.Run(() => a.DecodeAsync(clips[0], transcribe: true, CancellationToken.None)),
            Task.Run(() => b.DecodeAsync(clips[0], transcribe: true, CancellationToken.None)));

        Assert.Same(a, b);
        Assert.Equal(1, a.Engines);
        Assert.All(results, r => Assert.Equal(clips[0].Start, r.Utterance!.Start, 1e-9));
    }

    [Fact]
    public async Task Over_budget_transcription_is_skipped_before_spotting_and_an_engine_that_cannot_spot_skips_utterances_once_one_waits()
    {
        using var sharing = new SpeechSharing(threads: 1);
        using var busy = new ManualResetEventSlim();
        var spotting = new SpeechEnginePool(() => new HeldEngine(busy, spots: true), sharing.Budget);
        var transcribing = new SpeechEnginePool(() => new HeldEngine(busy, spots: false), sharing.Budget);
        var clip = new SpeechClip(5, new float[16000], 16000);

        var first = Task.Run(() => spotting.DecodeAsync(clip, transcribe: true, CancellationToken.None)); // takes the only decoder
        Waiting.WaitUntil(() => sharing.Budget.Waiting == 0 && HeldEngine.Running == 1, TimeSpan.FromSeconds(10), "the first utterance decoding");
        var second = spotting.DecodeAsync(clip, transcribe: true, CancellationToken.None);           // waits, keywords only
        Waiting.WaitUntil(() => sharing.Budget.Waiting == 1, TimeSpan.FromSeconds(10), "the second utterance waiting");
        var third = await transcribing.DecodeAsync(clip, transcribe: true, CancellationToken.None);  // one waits already: skipped
        busy.Set();
        var (one, two) = (await first, await second);

        Assert.False(one.TranscriptionSkipped);
        Assert.True(one.Utterance!.Text.Length > 0);
        Assert.True(two.TranscriptionSkipped);
        Assert.Equal("", two.Utterance!.Text);
        Assert.Equal(["help"], two.Utterance.Keywords.Select(k => k.Keyword));
        Assert.Null(third.Utterance);
    }

    /// <summary>An engine that holds its decoder until released: the budget's decisions without a real recogniser's timing.</summary>
    private sealed class HeldEngine(ManualResetEventSlim release, bool spots) : ISpeechEngine
    {
        public static int Running;
        public string Name => "held";
        public bool Spots => spots;

        public Utterance Decode(ReadOnlySpan<float> samples, double start, bool transcribe = true)
        {
            Interlocked.Increment(ref Running);
            release.Wait(TimeSpan.FromSeconds(10));
            return new Utterance(start, start + 1, transcribe ? "call for help" : "", [], spots ? [new KeywordHit("help", start, start + 0.5, 1)] : []);
        }

        public void Dispose() { }
    }

    [Fact]
    public void Whisper_tokens_become_words_on_the_media_clock()
    {
        Whisper.net.WhisperToken Token(string text, long start, long end, float p) => new() { Text = text, Start = start, End = end, Probability = p };
        var segment = new Whisper.net.SegmentData(" Call the police.", TimeSpan.Zero, TimeSpan.FromSeconds(1.5), 0.5f, 0.9f, 0.8f, 0f, "en",
            [Token("[_BEG_]", 0, 0, 1), Token(" Call", 10, 40, 0.9f), Token(" the", 40, 55, 0.8f), Token(" pol", 60, 90, 0.7f), Token("ice.", 90, 140, 0.95f)]);

        var words = WhisperEngine.Words(segment, start: 100).ToList();

        Assert.Equal(["Call", "the", "police."], words.Select(w => w.Word));
        Assert.Equal((100.6, 101.4, 0.7), (words[2].Start, words[2].End, Math.Round(words[2].Confidence, 3)));
        Assert.Equal(100.1, words[0].Start, 1e-9);
    }

    private static readonly string[] GridKeywords = ["blue", "green", "red", "white", "again", "now", "please", "soon"];

    /// <summary>A camera that talks: the first six GRID clips (18 s, two watch-list words in each) as H.264 and AAC.</summary>
    private static string TalkingCamera(TempDirectory temp)
    {
        var clips = Directory.GetFiles(Path.GetDirectoryName(TestAssets.Media("grid/bbbs5s.mpg"))!, "*.mpg").Order().Take(6);
        File.WriteAllLines(temp.File("clips.txt"), clips.Select(c => $"file '{c}'"));
        var talking = temp.File("talking.mp4");
        Processes.Tool("ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", temp.File("clips.txt"), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
            "-c:a", "aac", "-ar", "16000", "-ac", "1", talking);
        return talking;
    }

    [Fact]
    public void Eight_talking_cameras_on_two_cores_keep_their_detection_rate_and_skip_transcription_before_keywords_counting_every_skip()
    {
        using var temp = new TempDirectory();
        var talking = TalkingCamera(temp);
        File.WriteAllText(temp.File("eight.yaml"), $"""
            version: 1
            vision: {"{"} detect_fps: 2, classes: [person] {"}"}
            speech: {"{"} mode: both, threads: 1 {"}"}
            fusion: {"{"} keywords: [{string.Join(", ", GridKeywords)}] {"}"}
            output: {"{"} jsonl: out.jsonl {"}"}
            kafka: {"{"} enabled: false {"}"}
            cameras:
            {string.Join("\n", Enumerable.Range(1, 8).Select(i => $"  - {"{"} id: cam{i}, uri: {talking}, pace: realtime {"}"}"))}
            """);

        var run = Processes.CliWithin(TimeSpan.FromMinutes(3), "run", temp.File("eight.yaml"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        var summaries = SummaryLine().Matches(run.Stdout).Select(m => (Analysed: int.Parse(m.Groups["analysed"].Value), Hits: int.Parse(m.Groups["hits"].Value),
            Skipped: m.Groups["skipped"].Success ? int.Parse(m.Groups["skipped"].Value) : 0, Dropped: int.Parse(m.Groups["dropped"].Value))).ToList();
        Assert.Equal(8, summaries.Count);
        output.WriteLine(string.Join("\n", summaries));
        // 18 s at 2 detections per second; 12 watch-list words said (measured: 36 analysed and 11 hits on each camera,
        // transcription skipped for 2 to 6 of 6 utterances per camera).
        Assert.All(summaries, s => Assert.True(s.Analysed >= 32 && s.Hits >= 8 && s.Dropped == 0, $"{s}"));
        Assert.True(summaries.Sum(s => s.Skipped) >= 8, $"transcriptions skipped: {summaries.Sum(s => s.Skipped)}");
    }

    [Fact]
    public void A_live_camera_with_speech_gets_its_keywords_into_records_with_bounded_latency()
    {
        using var temp = new TempDirectory();
        var (port, metricsPort) = (Media.NetworkSourceTests.FreeTcpPort(), Media.NetworkSourceTests.FreeTcpPort());
        using var server = Media.LiveFfmpeg.ServeHttpTs(port, TalkingCamera(temp));
        using var live = new BackgroundCli("live", $"http://127.0.0.1:{port}/cam.ts", "--camera", "desk", "--speech", "pocketsphinx", "--keywords", string.Join(",", GridKeywords),
            "--no-vision", "--no-kafka", "--out", temp.File("live.jsonl"), "--metrics", $"127.0.0.1:{metricsPort}");
        var endpoint = new Live.OperationsEndpoint(metricsPort);
        const string keywordLatency = "streamfusion_latency_samples{camera=\"desk\",stage=\"keyword\"}";

        Waiting.WaitUntil(() => endpoint.Metric(keywordLatency) >= 8, TimeSpan.FromSeconds(90), "keywords from live speech", live.Describe);
        var p95 = endpoint.Metric("streamfusion_latency_seconds{camera=\"desk\",stage=\"keyword\",quantile=\"0.95\"}");
        var p50 = endpoint.Metric("streamfusion_latency_seconds{camera=\"desk\",stage=\"keyword\",quantile=\"0.5\"}");
        live.Signal("TERM");
        live.WaitForExit(TimeSpan.FromSeconds(30));
        output.WriteLine($"live speech: capture of a keyword's end to the record carrying it: p50 {p50:F2} s, p95 {p95:F2} s");

        // A word's end is captured, the utterance closes after a 0.5 s pause, is decoded, and its window is fused
        // and published: measured p50 1.6 s, p95 2.7 s.
        Assert.InRange(p95, p50, 4.0);
        var hits = File.ReadLines(temp.File("live.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .SelectMany(r => r.GetProperty("transcript").GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("keyword").GetString())).ToList();
        Assert.True(hits.Count >= 8, $"{hits.Count} hits in records");
        Assert.All(hits, h => Assert.Contains(h, GridKeywords));
    }

    [GeneratedRegex(@"\[cam\d\] completed .*?, (?<dropped>\d+) dropped, .*?, (?<analysed>\d+) frames analysed, .*?, \d+ utterances recognised \((?<hits>\d+) keyword hits, \d+ words(; over the speech budget: (?<skipped>\d+) transcriptions)?")]
    private static partial Regex SummaryLine();

    private static List<SpeechClip> Clips(string media)
    {
        using var analyzer = AudioAnalyzer.Load(new AudioSettings(TestAssets.Path("models/silero_vad.onnx"), new OnnxSettings { Device = InferenceDevice.Cpu }) { CutUtterances = true });
        return [.. analyzer.AnalyseMedia(media).SelectMany(w => w.Utterances)];
    }
}
