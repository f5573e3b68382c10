using System.Diagnostics;
using System.Globalization;
using StreamFusion.Audio.Sounds;
using StreamFusion.Audio.Stage;
using StreamFusion.Core.Assets;
using StreamFusion.Inference;
using StreamFusion.Media;

namespace StreamFusion.Bench;

/// <summary>
/// The sound tagger's share of `bench audio`: its cost per window, one window a run and eight, as cameras per core
/// and CPU per camera-hour (a window a second per camera); with --sound-windows, the study that chose its window
/// length: labels heard right on the sample recordings, and the highest score any surveillance class reaches on
/// audio that has none of them (the recordings, jfk.wav, the GRID clips).
/// </summary>
public static class SoundTaggerBench
{
    public const string Model = "asset:models/efficientat_mn04_as.onnx", Labels = "asset:models/audioset_class_labels_indices.csv";
    private const int Batch = 8;

    public static async Task RunAsync(string audio, bool windowStudy, AssetLocator assets, CancellationToken cancellation)
    {
        var (model, labels) = (await assets.ResolveUriAsync(Model, cancellation), await assets.ResolveUriAsync(Labels, cancellation));
        using var tagger = SoundTagger.Load(model, new OnnxSettings { Device = InferenceDevice.Cpu });
        var samples = MediaSource.ReadAllAudio(audio, SoundTagger.SampleRate);
        var length = 3 * SoundTagger.SampleRate;
        var windows = Enumerable.Range(0, 16).Select(i => Window(samples, i * SoundTagger.SampleRate, length)).ToList();
        tagger.Tag(windows.Take(Batch).ToList()); // warm-up
        var single = Time(() => { foreach (var w in windows) tagger.Tag([w]); }) / windows.Count;
        var batched = Time(() => { tagger.Tag(windows.Take(Batch).ToList()); tagger.Tag(windows.Skip(Batch).Take(Batch).ToList()); }) / windows.Count;
        Console.Out.WriteLine($"sound tagger ({Path.GetFileName(model)}, 3 s windows every 1 s, one thread, {tagger.Provider}):");
        foreach (var (name, seconds) in new[] { ("one window a run", single), ($"{Batch} windows a run (cameras batched)", batched) })
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-36} {seconds * 1000,7:F1} ms/window  {1 / seconds,6:F0} cameras per core  {seconds * 3600,6:F0} CPU-s per camera-hour ({100 * seconds:F1} % of a core)"));
        if (windowStudy) await WindowStudyAsync(model, labels, assets, cancellation);
    }

    private static async Task WindowStudyAsync(string model, string labels, AssetLocator assets, CancellationToken cancellation)
    {
        var heardAs = new Dictionary<string, string[]>
        {
            ["train"] = ["Train", "Rail transport", "Railroad car, train wagon"], ["typing"] = ["Typing", "Computer keyboard"], ["thunder"] = ["Thunder", "Thunderstorm"],
            ["crowd_cheering"] = ["Cheering", "Crowd"], ["rain"] = ["Rain", "Rain on surface", "Raindrop"], ["car_engine"] = ["Engine", "Vehicle", "Idling"],
        };
        var clips = new List<string> { await assets.ResolveUriAsync("asset:media/jfk.wav", cancellation) };
        foreach (var name in heardAs.Keys) clips.Add(await assets.ResolveUriAsync($"asset:media/sounds/{name}.wav", cancellation));
        var grid = Path.GetDirectoryName(await assets.ResolveUriAsync("asset:media/grid/bbbs5s.mpg", cancellation))!;
        clips.AddRange(Directory.GetFiles(grid, "*.mpg").Order());
        var watched = SoundSettings.Surveillance.Where(c => c.Name is "gunshot" or "explosion" or "glass" or "scream" or "siren" or "alarm").ToList();
        Console.Out.WriteLine($"window study over {clips.Count} clips without a surveillance sound (the six recordings, jfk.wav, the GRID clips):");
        foreach (var seconds in new[] { 1.0, 2.0, 3.0, 4.0, 5.0 })
        {
            var settings = new SoundSettings(model, labels, seconds, 1, -50, TopLabels: 527) { Classes = watched };
            var (right, tagged, audio) = (0, 0, 0.0);
            var highest = watched.ToDictionary(c => c.Name, _ => (Score: 0f, Where: ""));
            foreach (var clip in clips)
            {
                using var analyzer = AudioAnalyzer.Load(new AudioSettings(null, new OnnxSettings { Device = InferenceDevice.Cpu }) { Sounds = settings });
                var result = analyzer.AnalyseMedia(clip, cancellation);
                audio += result.Count;
                var name = Path.GetFileNameWithoutExtension(clip);
                foreach (var tag in result.SelectMany(w => w.Tags))
                {
                    if (heardAs.TryGetValue(name, out var expected))
                    {
                        tagged++;
                        if (tag.Top.Take(3).Any(l => expected.Contains(l.Label))) right++;
                    }
                    var scores = tag.Top.ToDictionary(l => l.Label, l => l.Score);
                    foreach (var c in watched)
                        if (c.Labels.Max(l => scores.GetValueOrDefault(l)) is var score && score > highest[c.Name].Score)
                            highest[c.Name] = (score, string.Create(CultureInfo.InvariantCulture, $"{name} at {tag.Start:F0}s"));
                }
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {seconds:F0} s: right label in the top 3 for {right}/{tagged} windows ({100.0 * right / tagged:F0} %); highest surveillance scores: ") +
                string.Join(", ", highest.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key} {h.Value.Score:F3} ({h.Value.Where})"))));
        }
    }

    private static float[] Window(float[] samples, int start, int length)
    {
        var window = new float[length];
        for (var i = 0; i < length && samples.Length > 0; i++) window[i] = samples[(start + i) % samples.Length];
        return window;
    }

    private static double Time(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalSeconds;
    }
}
