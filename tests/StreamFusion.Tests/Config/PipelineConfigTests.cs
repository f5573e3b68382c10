using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Operations;
using StreamFusion.Core.Config;
using StreamFusion.Core.Stages;

namespace StreamFusion.Tests.Config;

public class PipelineConfigTests
{
    private static PipelineConfig Parse(string yaml) => PipelineConfigLoader.Parse("test.yaml", new StringReader(yaml));

    private static ConfigException Invalid(string yaml) => Assert.Throws<ConfigException>(() => Parse(yaml));

    [Fact]
    public void Camera_settings_override_the_defaults_key_by_key()
    {
        var config = Parse("""
            version: 1
            decode:
              width: 640
              audio_rate: 22050
              open_timeout: 5s
            queues:
              capacity: 4
            cameras:
              - id: lobby
                uri: rtsp://cam/lobby
                pace: realtime
                decode:
                  width: 320
                  ffmpeg_options: { buffer_size: "1048576" }
                queues: { policy: drop-oldest }
              - id: replay.1
                uri: clips/a.mp4
            """);

        var lobby = config.Cameras[0];
        Assert.Equal((320, 22050, TimeSpan.FromSeconds(5)), (lobby.Decode.VideoWidth, lobby.Decode.AudioSampleRate, lobby.Decode.OpenTimeout!.Value));
        Assert.Equal("1048576", lobby.Decode.FfmpegOptions["buffer_size"]);
        Assert.Equal(new QueueSettings(4, EdgePolicy.DropOldest), lobby.Queues);
        Assert.Equal(1, lobby.Pacing.Speed);
        var replay = config.Cameras[1];
        Assert.Equal(640, replay.Decode.VideoWidth);
        Assert.Equal(new QueueSettings(4, EdgePolicy.Wait), replay.Queues);
        Assert.Equal(0, replay.Pacing.Speed);
    }

    [Fact]
    public void Vision_settings_are_read_with_per_camera_overrides()
    {
        var config = Parse("""
            vision:
              device: cpu
              optimization: basic
              classes: [person, car]
              class_thresholds: { car: 0.25 }
              detect_fps: 5
              denoise: { mode: bilateral, diameter: 7 }
              motion: { max_skip: 3s }
              tracker: { max_age: 1500ms }
            cameras:
              - id: a
                uri: a.mp4
              - id: b
                uri: b.mp4
                vision: { enabled: false }
              - id: c
                uri: c.mp4
                vision: { threshold: 0.5, embedding: { enabled: true } }
            """);

        var a = config.Cameras[0].Vision;
        Assert.True(a.Enabled);
        Assert.Equal("cpu", a.Device.ToString());
        Assert.Equal(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC, a.Optimization);
        Assert.Equal(["person", "car"], a.Classes);
        Assert.Equal(0.25f, a.ClassThresholds["car"]);
        Assert.Equal((5.0, 3.0), (a.Motion.DetectFps, a.Motion.MaxSkip));
        Assert.Equal((StreamFusion.Vision.Denoise.DenoiseMode.Bilateral, 7), (a.Denoise.Mode, a.Denoise.Diameter));
        Assert.Equal(1.5, a.Tracker.MaxAge);
        Assert.False(config.Cameras[1].Vision.Enabled);
        var c = config.Cameras[2].Vision;
        Assert.Equal((0.5f, true, 0.25f), (c.Threshold, c.Embedding, c.ClassThresholds["car"]));
    }

    [Fact]
    public void Audio_settings_are_read_and_set_the_decoder_rate()
    {
        var config = Parse("""
            audio:
              vad_model: none
              window: 500ms
              mfcc: { sample_rate: 8000, mel_bins: 20, cepstra: 12 }
              denoise: { high_pass_hz: 100 }
            cameras:
              - { id: a, uri: a.mp4 }
              - { id: b, uri: b.mp4, audio: { enabled: false } }
            """);

        var a = config.Cameras[0];
        Assert.True(a.Audio.Enabled);
        Assert.Equal(("none", 0.5, 8000, 12), (a.Audio.VadModel, a.Audio.WindowSeconds, a.Audio.Mfcc.SampleRate, a.Audio.Mfcc.Cepstra));
        Assert.Equal(8000, a.Decode.AudioSampleRate);
        Assert.True(a.Audio.Denoise.Enabled);
        Assert.Equal(100, a.Audio.Denoise.HighPassHz);
        Assert.False(config.Cameras[1].Audio.Enabled);
        Assert.Equal(16000, config.Cameras[1].Decode.AudioSampleRate);
    }

    [Fact]
    public void Audio_mistakes_are_located()
    {
        var error = Invalid("""
            audio:
              mfcc: { mel_bins: 10, cepstra: 13 }
              events: { loud_dbfs: 3 }
            cameras:
              - { id: a, uri: a.mp4 }
            """);

        Assert.Contains(error.Errors, e => e.Key == "audio.mfcc.cepstra" && e.Problem == "must not exceed mel_bins (10)");
        Assert.Contains(error.Errors, e => e.Key == "audio.events.loud_dbfs" && e.Line == 3);
    }

    [Fact]
    public void Fusion_output_and_transcript_settings_are_read()
    {
        var config = PipelineConfigLoader.Parse("/srv/pipelines/lobby.yaml", new StringReader("""
            fusion:
              window: 2s
              max_lateness: 500ms
              object_weights: { person: 0.5, dog: 0.1 }
              keywords: [help, "call the police"]
              redaction: keywords
              incident_threshold: 0.6
            output: { jsonl: records/lobby.jsonl }
            cameras:
              - { id: a, uri: a.mp4, transcript: a.srt }
            """));

        Assert.Equal((2.0, 0.5, 0.6), (config.Fusion.WindowSeconds, config.Fusion.MaxLateness, config.Fusion.IncidentThreshold));
        Assert.Equal((0.5, 0.1), (config.Fusion.ObjectWeights["person"], config.Fusion.ObjectWeights["dog"]));
        Assert.Equal(["help", "call the police"], config.Fusion.Keywords);
        Assert.Equal(StreamFusion.Fusion.Transcripts.Redaction.KeywordsOnly, config.Fusion.Redaction);
        Assert.Equal("/srv/pipelines/records/lobby.jsonl", config.RecordsFile);
        Assert.Equal("a.srt", config.Cameras[0].TranscriptFile);
    }

    [Fact]
    public void Kafka_settings_are_read_with_the_embedded_broker_as_default()
    {
        var defaults = PipelineConfigLoader.Parse("/srv/pipelines/lobby.yaml", new StringReader("cameras: [{ id: a, uri: a.mp4 }]"));
        Assert.True(defaults.Kafka.Enabled && defaults.Kafka.Connection.UsesEmbeddedBroker && defaults.FusesRecords);
        Assert.Equal("streamfusion.detections", defaults.Kafka.Topic);

        var config = PipelineConfigLoader.Parse("/srv/pipelines/lobby.yaml", new StringReader("""
            kafka:
              bootstrap_servers: kafka-1:9092,kafka-2:9092
              topic: site-a.detections
              properties: { security.protocol: SASL_SSL, sasl.mechanism: PLAIN, linger.ms: 20 }
              transcript_topic: site-a.transcripts
              transcript_offset: earliest
              flush_timeout: 1m
              spool: { dir: spool/site-a, max_mb: 64, memory_records: 500, fsync: true }
            cameras:
              - { id: a, uri: a.mp4 }
            """));

        var kafka = config.Kafka;
        Assert.Equal("kafka-1:9092,kafka-2:9092", kafka.Connection.BootstrapServers);
        Assert.Equal(("SASL_SSL", "PLAIN", "20"), (kafka.Connection.Properties["security.protocol"], kafka.Connection.Properties["sasl.mechanism"], kafka.Connection.Properties["linger.ms"]));
        Assert.Equal(("site-a.detections", "site-a.transcripts", true), (kafka.Topic, kafka.TranscriptTopic, kafka.TranscriptsFromBeginning));
        Assert.Equal(("/srv/pipelines/spool/site-a", 64L << 20, 500, true), (kafka.SpoolDirectory, kafka.SpoolMaxBytes, kafka.MemoryRecords, kafka.SpoolFsync));
        Assert.Equal(TimeSpan.FromMinutes(1), kafka.FlushTimeout);
    }

    [Fact]
    public void Reconnection_is_on_for_live_sources_by_default_and_configurable_per_camera()
    {
        var config = PipelineConfigLoader.Parse("/srv/pipelines/site.yaml", new StringReader("""
            reconnect: { initial: 2s, max: 1m, jitter: 0.1, stall_timeout: 5s }
            metrics: { listen: 0.0.0.0:9464 }
            inference: { share_sessions: false, max_detect_fps: 40, max_batch: 4, batch_wait: 5ms, parallel_runs: 3 }
            cameras:
              - { id: gate, uri: "rtsp://user:pw@192.0.2.10/stream" }
              - { id: archive, uri: archive.mp4 }
              - { id: flaky, uri: "udp://127.0.0.1:5600", reconnect: { max_attempts: 3, enabled: true } }
              - { id: fixed, uri: "http://192.0.2.11/cam.ts", reconnect: { enabled: false } }
            """));

        var byId = config.Cameras.ToDictionary(c => c.Id, c => c.Reconnect);
        Assert.True(byId["gate"].Enabled);
        Assert.False(byId["archive"].Enabled);
        Assert.Equal((true, 3), (byId["flaky"].Enabled, byId["flaky"].MaxAttempts));
        Assert.False(byId["fixed"].Enabled);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), 0.1, TimeSpan.FromSeconds(5)),
            (byId["gate"].Initial, byId["gate"].Max, byId["gate"].Jitter, byId["gate"].StallTimeoutOrDefault));
        Assert.Equal(new MetricsAddress("0.0.0.0", 9464), config.Metrics);
        Assert.Equal(new InferenceConfig(ShareSessions: false, MaxDetectFps: 40, MaxBatch: 4, BatchWait: TimeSpan.FromMilliseconds(5), ParallelRuns: 3), config.Inference);
    }

    [Fact]
    public void Reconnect_delays_grow_to_the_maximum_with_jitter_around_them()
    {
        var policy = StreamFusion.Media.Live.ReconnectPolicy.Live with { Initial = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(30), Jitter = 0.2 };
        var random = new Random(7);
        var delays = Enumerable.Range(1, 8).Select(attempt => policy.Delay(attempt, random).TotalSeconds).ToList();

        double[] nominal = [1, 2, 4, 8, 16, 30, 30, 30];
        for (var i = 0; i < nominal.Length; i++) Assert.InRange(delays[i], nominal[i] * 0.8, nominal[i] * 1.2);
        Assert.True(delays.Distinct().Count() == delays.Count, "jitter makes every wait different");
    }

    [Fact]
    public void Kafka_mistakes_are_located()
    {
        var error = Invalid("""
            kafka:
              transcript_offset: newest
              spool: { max_mb: 0, dri: x }
              bootstrap: localhost:9092
            cameras:
              - { id: a, uri: a.mp4 }
            """);

        Assert.Contains(error.Errors, e => e.Key == "kafka.transcript_offset" && e.Line == 2);
        Assert.Contains(error.Errors, e => e.Key == "kafka.spool.max_mb" && e.Line == 3);
        Assert.Contains(error.Errors, e => e.Key == "kafka.spool.dri" && e.Problem.Contains("did you mean 'dir'"));
        Assert.Contains(error.Errors, e => e.Key == "kafka.bootstrap" && e.Problem.Contains("bootstrap_servers"));
    }

    [Fact]
    public void Fusion_mistakes_are_located()
    {
        var error = Invalid("""
            fusion:
              redaction: some
              object_weights: { person: 2 }
            output: { file: x.jsonl }
            cameras:
              - { id: a, uri: a.mp4 }
            """);

        Assert.Contains(error.Errors, e => e.Key == "fusion.redaction" && e.Line == 2);
        Assert.Contains(error.Errors, e => e.Key == "fusion.object_weights.person");
        Assert.Contains(error.Errors, e => e.Key == "output.file" && e.Problem.StartsWith("unknown setting"));
    }

    [Fact]
    public void Vision_mistakes_are_located()
    {
        var error = Invalid("""
            vision:
              device: tpu
              class_thresholds: { car: high }
              classes: person
            cameras:
              - { id: a, uri: a.mp4 }
            """);

        var lines = error.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith("test.yaml:2:11: vision.device: expected auto, cpu, cuda[:N] or tensorrt[:N], got 'tpu'"));
        Assert.Contains(lines, l => l.Contains("vision.class_thresholds.car: expected a score from 0 to 1, got 'high'"));
        Assert.Contains(lines, l => l.StartsWith("test.yaml:4:12: vision.classes: expected a list of values"));
    }

    [Fact]
    public void Errors_name_the_file_line_column_and_key()
    {
        var error = Invalid("""
            cameras:
              - id: lobby
                uri: rtsp://cam
                queues:
                  policy: drop-newest
            """);

        var only = Assert.Single(error.Errors);
        Assert.Equal("test.yaml:5:15: cameras[0].queues.policy: expected 'wait' or 'drop-oldest', got 'drop-newest'", only.ToString());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Invalid("""
            stats_interval: soon
            decode:
              width: -5
              audio_rate: fast
            cameras:
              - id: "bad id!"
              - id: ok
                uri: a.mp4
                pace: warp
            """);

        var lines = error.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith("test.yaml:1:17: stats_interval: expected a duration"));
        Assert.Contains(lines, l => l.StartsWith("test.yaml:3:10: decode.width: expected a whole number from 0 to 8192, got '-5'"));
        Assert.Contains(lines, l => l.StartsWith("test.yaml:4:15: decode.audio_rate:"));
        Assert.Contains(lines, l => l.Contains("cameras[0].id: 'bad id!' must be letters"));
        Assert.Contains(lines, l => l.Contains("cameras[0].uri: required"));
        Assert.Contains(lines, l => l.StartsWith("test.yaml:9:11: cameras[1].pace: expected 'fast', 'realtime'"));
        Assert.Equal(6, lines.Count);
    }

    [Fact]
    public void Unknown_keys_are_errors_with_a_suggestion()
    {
        var error = Invalid("""
            cameras:
              - id: a
                uri: a.mp4
                deocde: { width: 3 }
            """);

        Assert.Equal("test.yaml:4:5: cameras[0].deocde: unknown setting (did you mean 'decode'?)", Assert.Single(error.Errors).ToString());
    }

    [Theory]
    [InlineData("cameras: []", "cameras: required")]
    [InlineData("version: 2\ncameras:\n  - {id: a, uri: b}", "version: expected 1, the config version this build reads, got '2'")]
    [InlineData("cameras:\n  - {id: a, uri: b}\n  - {id: a, uri: c}", "duplicate camera id 'a'")]
    [InlineData("- just\n- a list", "expected a mapping of settings")]
    [InlineData("cameras: [unclosed", "(syntax)")]
    public void Structural_mistakes_are_reported(string yaml, string expected)
    {
        Assert.Contains(expected, Invalid(yaml).Message);
    }

    [Fact]
    public void Every_bundled_pipeline_config_is_valid()
    {
        var directory = Path.Combine(RepositoryRoot(), "pipelines");
        var files = Directory.GetFiles(directory, "*.yaml");

        Assert.NotEmpty(files);
        foreach (var file in files)
            Assert.NotEmpty(PipelineConfigLoader.Load(file).Cameras);
    }

    internal static string RepositoryRoot() =>
        StreamFusion.Core.Assets.AssetLocator.FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("repository root not found");

    [Fact]
    public void A_speech_section_turns_on_recognition_and_audio_with_per_camera_overrides_and_keyword_thresholds()
    {
        var config = Parse("""
            version: 1
            fusion: { keywords: [help, call the police] }
            speech:
              threads: 3
              threshold: 1e10
              thresholds: { help: 1e20 }
            cameras:
              - { id: a, uri: a.mp4 }
              - id: b
                uri: b.mp4
                speech: { engine: whisper, mode: both, whisper: { model: /models/ggml-base.en.bin, threads: 2, language: de } }
              - { id: c, uri: c.mp4, speech: { engine: none } }
            """);

        var (a, b, c) = (config.Cameras[0], config.Cameras[1], config.Cameras[2]);
        Assert.Equal(3, config.SpeechThreads);
        Assert.Equal(StreamFusion.Speech.SpeechEngineKind.PocketSphinx, a.Speech.Engine);
        Assert.True(a.Audio.Enabled);
        Assert.Equal(16000, a.Decode.AudioSampleRate);
        Assert.Equal(SpeechMode.Keywords, a.Speech.ModeFor(config.Fusion.Keywords));
        Assert.Equal((1e20, 1e10), (a.Speech.Thresholds["help"], a.Speech.DefaultThreshold));
        Assert.Equal((StreamFusion.Speech.SpeechEngineKind.Whisper, SpeechMode.Both), (b.Speech.Engine, b.Speech.Mode));
        Assert.Equal(("/models/ggml-base.en.bin", 2, "de"), (b.Speech.WhisperModel, b.Speech.WhisperThreads, b.Speech.Language));
        Assert.False(c.Speech.Enabled);
        Assert.False(c.Audio.Enabled);
    }

    [Fact]
    public void Speech_settings_that_cannot_work_are_errors_with_their_line()
    {
        var error = Invalid("""
            version: 1
            speech: { engine: pocketsphinx, mode: keywords, thresholds: { fire: 1e10 } }
            audio: { mfcc: { sample_rate: 8000 } }
            cameras:
              - { id: a, uri: a.mp4 }
              - { id: b, uri: b.mp4, speech: { engine: whisper, mode: keywords } }
              - { id: c, uri: c.mp4, speech: { engine: kaldi } }
            """);

        Assert.Contains(error.Errors, e => e.Key == "speech.mode" && e.Line == 2 && e.Problem.Contains("needs a watch-list"));
        Assert.Contains(error.Errors, e => e.Key == "speech.thresholds.fire" && e.Problem == "'fire' is not in fusion.keywords");
        Assert.Single(error.Errors, e => e.Key == "audio.mfcc.sample_rate" && e.Problem == "speech recognition needs 16000 Hz audio");
        Assert.Contains(error.Errors, e => e.Key == "cameras[1].speech.mode" && e.Line == 6 && e.Problem.StartsWith("whisper always transcribes"));
        Assert.Contains(error.Errors, e => e.Key == "cameras[1].speech.whisper.model" && e.Problem.StartsWith("required with engine: whisper"));
        Assert.Contains(error.Errors, e => e.Key == "cameras[2].speech.engine" && e.Line == 7 && e.Problem == "expected none, pocketsphinx or whisper, got 'kaldi'");
    }
}
