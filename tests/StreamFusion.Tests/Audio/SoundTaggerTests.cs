using System.Security.Cryptography;
using System.Text.Json;
using StreamFusion.Audio.Sounds;
using StreamFusion.Audio.Stage;
using StreamFusion.Core.Config;
using StreamFusion.Hosting.Config;
using StreamFusion.Inference;

namespace StreamFusion.Tests.Audio;

/// <summary>The AudioSet sound tagger on real recordings: against an independent implementation, and what it hears.</summary>
public class SoundTaggerTests
{
    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sound_tagger_reference.json"))).RootElement;
    private static readonly string[] Surveillance = ["gunshot", "explosion", "glass", "scream", "siren", "alarm"];

    private static SoundSettings Settings => new(TestAssets.Path("models/efficientat_mn04_as.onnx"), TestAssets.Path("models/audioset_class_labels_indices.csv"));

    private static List<AudioWindow> Listen(string media, SoundSettings? settings = null)
    {
        using var analyzer = AudioAnalyzer.Load(new AudioSettings(null, new OnnxSettings { Device = InferenceDevice.Cpu }) { Sounds = settings ?? Settings });
        return analyzer.AnalyseMedia(media);
    }

    [Fact]
    public void Probabilities_equal_an_independent_numpy_evaluation_of_the_graph_within_1e_4()
    {
        using var tagger = SoundTagger.Load(Settings.ModelPath, new OnnxSettings { Device = InferenceDevice.Cpu });
        foreach (var window in Reference.GetProperty("cases").EnumerateArray())
        {
            // The same window the fixture script decoded, with the same ffmpeg command.
            var bytes = Processes.RunBinary("ffmpeg", "-v", "error", "-ss", window.GetProperty("start").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-t", "3", "-i", TestAssets.Path(window.GetProperty("file").GetString()!), "-ac", "1", "-ar", "32000", "-f", "f32le", "-");
            var samples = new float[96000];
            Buffer.BlockCopy(bytes, 0, samples, 0, Math.Min(bytes.Length, samples.Length * 4));
            var hash = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan())));
            Assert.Equal(window.GetProperty("samples_sha256").GetString(), hash);
            var (probabilities, embedding) = tagger.Tag([samples])[0];
            var expected = window.GetProperty("probs").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(527, probabilities.Length);
            var worst = expected.Select((p, i) => Math.Abs(p - probabilities[i])).Max();
            Assert.True(worst < 1e-4, $"{window.GetProperty("file")}: largest difference {worst:E2}");
            var head = window.GetProperty("embedding_head").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.All(head.Select((v, i) => Math.Abs(v - embedding[i])), d => Assert.True(d < 1e-3, $"embedding differs by {d}"));
        }
    }

    [Fact]
    public void Cameras_sharing_a_batching_session_tag_their_windows_together_with_the_same_results_as_alone()
    {
        // A gather window: each run waits for the other cameras' windows, so batches form however busy the machine is.
        var shared = new SharedSessions(maxBatch: 4, gatherWindow: TimeSpan.FromMilliseconds(200));
        string[] recordings = ["train.wav", "typing.wav", "thunder.wav"];
        var alone = recordings.Select(r => Listen(TestAssets.Media($"sounds/{r}"))).ToList();
        var cameras = recordings.Select(_ => AudioAnalyzer.Load(new AudioSettings(null, new OnnxSettings { Device = InferenceDevice.Cpu }) { Sounds = Settings }, sessions: shared)).ToList();
        var together = new List<AudioWindow>[recordings.Length];
        Parallel.For(0, recordings.Length, new ParallelOptions { MaxDegreeOfParallelism = recordings.Length },
            c => together[c] = cameras[c].AnalyseMedia(TestAssets.Media($"sounds/{recordings[c]}")));
        var averageBatch = shared.AverageBatches["efficientat_mn04_as.onnx"];
        foreach (var camera in cameras) camera.Dispose();

        Assert.True(averageBatch > 1.5, $"average batch {averageBatch:F2}");
        for (var c = 0; c < recordings.Length; c++)
        {
            var (expected, actual) = (alone[c].SelectMany(w => w.Tags).ToList(), together[c].SelectMany(w => w.Tags).ToList());
            Assert.True(expected.Count >= 8, $"{recordings[c]}: {expected.Count} windows tagged");
            Assert.Equal(expected.Select(t => t.Start), actual.Select(t => t.Start));
            foreach (var (e, a) in expected.Zip(actual))
                foreach (var (el, al) in e.Top.Zip(a.Top))
                    Assert.True(Math.Abs(el.Score - al.Score) < 1e-3, $"{recordings[c]} at {e.Start}s: {el.Label} {el.Score} alone, {al.Label} {al.Score} batched");
            Assert.Equal(alone[c].SelectMany(w => w.Sounds).Select(s => (s.Kind, s.State, s.Start)), together[c].SelectMany(w => w.Sounds).Select(s => (s.Kind, s.State, s.Start)));
        }
    }

    [Theory]
    [InlineData("train.wav", "Train")]
    [InlineData("typing.wav", "Typing")]
    [InlineData("thunder.wav", "Thunder")]
    [InlineData("crowd_cheering.wav", "Cheering")]
    [InlineData("rain.wav", "Rain")]
    [InlineData("car_engine.wav", "Engine")]
    public void Each_recording_is_heard_as_what_it_is_and_raises_no_surveillance_sound(string file, string label)
    {
        var windows = Listen(TestAssets.Media($"sounds/{file}"));
        var tags = windows.SelectMany(w => w.Tags).ToList();
        Assert.True(tags.Count >= 8, $"{tags.Count} windows tagged");
        // Over the clip: the labels most often among each window's top three.
        var common = tags.SelectMany(t => t.Top.Select(l => l.Label)).GroupBy(l => l).OrderByDescending(g => g.Count()).Take(3).Select(g => g.Key).ToList();
        Assert.Contains(label, common);
        Assert.DoesNotContain(windows.SelectMany(w => w.Sounds), s => Surveillance.Contains(s.Kind));
    }

    [Fact]
    public void Speech_raises_no_surveillance_sound()
    {
        var clips = new[] { TestAssets.Media("jfk.wav") }.Concat(Directory.GetFiles(Path.GetDirectoryName(TestAssets.Media("grid/bbbs5s.mpg"))!, "*.mpg").Order().Take(10));
        foreach (var clip in clips)
        {
            var windows = Listen(clip);
            Assert.DoesNotContain(windows.SelectMany(w => w.Sounds), s => Surveillance.Contains(s.Kind));
            Assert.Contains(windows.SelectMany(w => w.Tags), t => t.Top[0].Label.Contains("speech", StringComparison.OrdinalIgnoreCase) || t.Top[0].Label == "Speech");
        }
    }

    [Fact]
    public void A_quiet_camera_costs_nothing_and_a_class_that_hears_it_becomes_one_event()
    {
        using var temp = new TempDirectory();
        var quiet = temp.File("quiet.wav");
        Processes.Tool("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=a=0.0005:d=10", "-ar", "16000", quiet);
        var silent = Listen(quiet);
        Assert.Empty(silent.SelectMany(w => w.Tags));
        // A class for the train recording: consecutive windows above its threshold are one event.
        var train = Settings with { Classes = [new SoundClass("train", ["Train", "Rail transport"], 0.3, 2, 0.4)] };
        var windows = Listen(TestAssets.Media("sounds/train.wav"), train);
        var heard = windows.SelectMany(w => w.Sounds).ToList();
        var ended = heard.Where(s => s.State == SoundEvent.Ended).ToList();
        Assert.InRange(ended.Count, 1, 3); // its score dips below half the threshold twice, between passing trains
        Assert.Equal(ended.Count, heard.Count(s => s.State == SoundEvent.Started)); // each reported twice
        var e = ended[0];
        Assert.Equal("train", e.Kind);
        Assert.Equal(0, e.Start);
        Assert.True(e.End >= 6, $"ends at {e.End}");
        // Known as soon as it had lasted its minimum (2 s: the first window, 0-3 s), not when it ended.
        var started = heard.First(s => s.State == SoundEvent.Started);
        Assert.Equal((0.0, 3.0), (started.Start, started.End));
        Assert.Equal(3, windows.First(w => w.Sounds.Contains(started)).End);
        Assert.Contains(e.Labels, l => l.Label == "Train");
        Assert.InRange(e.Score, 0.5, 1);
    }

    [Fact]
    public void A_sound_class_naming_a_label_the_model_lacks_is_a_config_error_at_its_line()
    {
        var config = PipelineConfigLoader.Parse("test.yaml", new StringReader("""
            audio:
              sounds:
                classes:
                  gunshot: { labels: ["Gunshot, gunfire"], threshold: 0.3, weight: 0.6 }
                  glass: { labels: ["Glass breaking"] }
            cameras:
              - { id: a, uri: a.mp4 }
            """));
        var sounds = config.Cameras[0].Audio.Sounds!;
        Assert.Equal(["gunshot", "glass"], sounds.Classes.Select(c => c.Name));
        var error = Assert.Throws<ConfigException>(() => sounds.ResolveAsync(Core.Assets.AssetLocator.FromEnvironment(), default).GetAwaiter().GetResult());
        var problem = Assert.Single(error.Errors);
        Assert.Equal((5, "audio.sounds.classes.glass.labels"), (problem.Line, problem.Key));
        Assert.StartsWith("'Glass breaking' is not an AudioSet label", problem.Problem);
    }
}

/// <summary>Sounds in the pipeline: records, reasons, and short knocks that are no gunshot.</summary>
public class SoundRecordsTests
{
    [Fact]
    public void A_pipeline_with_the_tagger_puts_sound_events_in_records_and_reasons()
    {
        using var temp = new TempDirectory();
        var config = temp.File("sounds.yaml");
        File.WriteAllText(config, $$"""
            version: 1
            kafka: { enabled: false }
            output: { jsonl: {{temp.File("records.jsonl")}} }
            audio:
              sounds:
                embedding: true
                classes:
                  crowd: { labels: [Crowd, Cheering], threshold: 0.3, weight: 0.5 }
            cameras:
              - { id: stadium, uri: {{TestAssets.Media("sounds/crowd_cheering.wav")}} }
            """);
        var result = Processes.Cli("run", config);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = File.ReadAllLines(temp.File("records.jsonl"));
        foreach (var line in lines) RecordSchema.AssertValid(line);
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var heard = records.Where(r => r.GetProperty("audio").GetProperty("sounds").GetArrayLength() > 0).ToList();
        Assert.NotEmpty(heard);
        var sound = heard[0].GetProperty("audio").GetProperty("sounds")[0];
        Assert.Equal("crowd", sound.GetProperty("kind").GetString());
        Assert.Contains(sound.GetProperty("labels").EnumerateArray(), l => l.GetProperty("label").GetString() is "Cheering" or "Crowd");
        Assert.Contains(heard[0].GetProperty("fused").GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("crowd (0."));
        Assert.Contains(records, r => r.GetProperty("audio").TryGetProperty("embedding", out var e) && e.GetArrayLength() == 384);
    }

    [Fact]
    public void Claps_and_knocks_are_at_most_impulses_never_gunshots()
    {
        using var temp = new TempDirectory();
        var (clap, knock, claps, knocks) = (temp.File("clap.wav"), temp.File("knock.wav"), temp.File("claps.wav"), temp.File("knocks.wav"));
        Processes.Tool("sox", "-n", "-r", "16000", clap, "synth", "0.015", "whitenoise", "fade", "0", "0.015", "0.013", "gain", "-3", "pad", "1", "1");
        Processes.Tool("sox", "-n", "-r", "16000", knock, "synth", "0.06", "sine", "180", "fade", "0", "0.06", "0.055", "gain", "-2", "pad", "0.5", "0");
        Processes.Tool("sox", clap, clap, clap, claps);
        Processes.Tool("sox", knock, knock, knock, knocks, "pad", "0", "1");
        using var analyzer = AudioAnalyzer.Load(new AudioSettings(null, new OnnxSettings { Device = InferenceDevice.Cpu })
        {
            Sounds = new SoundSettings(TestAssets.Path("models/efficientat_mn04_as.onnx"), TestAssets.Path("models/audioset_class_labels_indices.csv"), TopLabels: 527),
        });
        var clapWindows = analyzer.AnalyseMedia(claps);
        Assert.Contains(clapWindows.SelectMany(w => w.Events), e => e.Kind == "impulse"); // the cheap cue hears them
        using var next = AudioAnalyzer.Load(new AudioSettings(null, new OnnxSettings { Device = InferenceDevice.Cpu })
        {
            Sounds = new SoundSettings(TestAssets.Path("models/efficientat_mn04_as.onnx"), TestAssets.Path("models/audioset_class_labels_indices.csv"), TopLabels: 527),
        });
        foreach (var windows in new[] { clapWindows, next.AnalyseMedia(knocks) })
        {
            Assert.DoesNotContain(windows.SelectMany(w => w.Sounds), s => s.Kind is "gunshot" or "explosion");
            var tags = windows.SelectMany(w => w.Tags).ToList();
            Assert.NotEmpty(tags);
            Assert.All(tags, t => Assert.True(t.Top.Where(l => l.Label is "Gunshot, gunfire" or "Explosion").All(l => l.Score < 0.1), string.Join(", ", t.Top.Take(3))));
        }
    }
}
