using System.Globalization;
using StreamFusion.Audio.Stage;
using StreamFusion.Cli.Commands;
using StreamFusion.Inference;
using StreamFusion.Media;
using StreamFusion.Speech;
using StreamFusion.Speech.PocketSphinx;
using Xunit.Abstractions;

namespace StreamFusion.Tests.Speech;

/// <summary>
/// Keyword spotting with a camera's ambience behind the speech: real GRID speech and espeak-ng's synthetic
/// watch-list phrases mixed over real recordings at 10 dB and 0 dB SNR (speech power over the ambience's, both
/// measured over the speech's span), and the ambience alone.
/// </summary>
public class SpeechInNoiseTests(ITestOutputHelper output)
{
    private const int Rate = 16000;
    private static readonly string[] GridKeywords = ["blue", "green", "red", "white", "again", "now", "please", "soon"];
    private static readonly string[] WatchList = ["help", "call the police", "drop the gun"];
    private static readonly string[] Ambiences = ["car_engine", "train", "crowd_cheering"];

    private static List<KeywordHit> Spot(float[] samples, IEnumerable<string> keywords)
    {
        using var temp = new TempDirectory();
        var wav = temp.File("mix.wav");
        StreamFusion.Bench.WavFile.Write(wav, samples, Rate);
        using var analyzer = AudioAnalyzer.Load(new AudioSettings(TestAssets.Path("models/silero_vad.onnx"), new OnnxSettings { Device = InferenceDevice.Cpu }) { CutUtterances = true });
        using var engine = new PocketSphinxEngine(new PocketSphinxSettings { Keywords = keywords.ToDictionary(k => k, _ => PocketSphinxSettings.DefaultThreshold) });
        return [.. TranscribeCommand.Recognise(engine, analyzer, wav).SelectMany(u => u.Keywords)];
    }

    /// <summary>The speech at <paramref name="offset"/> seconds into the ambience, scaled so its power is <paramref name="snrDb"/> over the ambience's there.</summary>
    private static float[] Mix(float[] speech, float[] ambience, double offset, double snrDb)
    {
        var at = (int)(offset * Rate);
        var mixed = ambience[..Math.Max(ambience.Length, at + speech.Length)];
        var speechPower = speech.Average(s => (double)s * s);
        var noisePower = Math.Max(1e-12, ambience.Skip(at).Take(speech.Length).Average(s => (double)s * s));
        var gain = (float)Math.Sqrt(noisePower / speechPower * Math.Pow(10, snrDb / 10));
        for (var i = 0; i < speech.Length; i++) mixed[at + i] = Math.Clamp(mixed[at + i] + gain * speech[i], -1, 1);
        return mixed;
    }

    private static float[] Silence(float[] speech, double offset)
    {
        var track = new float[10 * Rate];
        speech.CopyTo(track, (int)(offset * Rate));
        return track;
    }

    private static float[] Ambience(string name) => MediaSource.ReadAllAudio(TestAssets.Media($"sounds/{name}.wav"), Rate)[..(10 * Rate)];

    [Fact]
    public void Real_speech_keywords_are_spotted_over_camera_ambience_at_10_and_0_db()
    {
        var clips = Directory.GetFiles(Path.GetDirectoryName(TestAssets.Media("grid/bbbs5s.mpg"))!, "*.mpg").Order().Skip(10).ToList(); // held out
        var rates = new Dictionary<double, (int Found, int FalseAlarms, int Said)>();
        foreach (var snr in new[] { 10.0, 0.0 })
        {
            var (found, falseAlarms, said) = (0, 0, 0);
            foreach (var (clip, i) in clips.Select((c, i) => (c, i)))
            {
                var ambience = Ambience(Ambiences[i % Ambiences.Length]);
                // GRID clips have silence either side of the sentence: the SNR is measured over the sentence.
                var aligned = File.ReadLines(Path.ChangeExtension(clip, ".align")).Select(l => l.Split(' '))
                    .Select(p => (Start: int.Parse(p[0], CultureInfo.InvariantCulture) / 25000.0, End: int.Parse(p[1], CultureInfo.InvariantCulture) / 25000.0, Word: p[2])).ToList();
                var spoken = aligned.Where(w => w.Word != "sil").ToList();
                var speech = MediaSource.ReadAllAudio(clip, Rate);
                var (first, last) = ((int)(spoken[0].Start * Rate), Math.Min(speech.Length, (int)(spoken[^1].End * Rate)));
                const double offset = 3;
                var hits = Spot(Mix(speech[first..last], ambience, offset + spoken[0].Start, snr), GridKeywords);
                var keywords = spoken.Where(w => GridKeywords.Contains(w.Word)).ToList();
                var matched = new HashSet<int>();
                foreach (var hit in hits)
                {
                    var index = keywords.FindIndex(w => w.Word == hit.Keyword && Math.Abs(offset + w.Start - hit.Start) <= 0.3);
                    if (index >= 0 && matched.Add(index)) found++;
                    else falseAlarms++;
                }
                said += keywords.Count;
            }
            rates[snr] = (found, falseAlarms, said);
            output.WriteLine($"{snr} dB SNR over car engine, train, crowd: {found} of {said} found, {falseAlarms} false alarms: recall {found / (double)said:F2}, precision {found / (double)Math.Max(1, found + falseAlarms):F2}");
        }
        // Measured on the held-out clips: 10 dB recall 0.10, precision 0.18; 0 dB recall 0, 3 false alarms (clean: recall
        // 0.90, precision 0.72). PocketSphinx's en-us model does not survive loud ambience; lower thresholds (1e4) raise
        // 10 dB recall to 0.40 at precision 0.17, and the audio denoiser does not help. These bounds guard the measurement.
        Assert.True(rates[10].Found >= 1 && rates[10].FalseAlarms <= 15, $"10 dB: {rates[10]}");
        Assert.True(rates[0].FalseAlarms <= 10, $"0 dB: {rates[0]}");
    }

    [Fact]
    public void Synthetic_watch_list_phrases_are_reported_by_snr_and_ambience_alone_gives_no_hits()
    {
        using var temp = new TempDirectory();
        var voices = new[] { "en-us+f2", "en-us+f5", "en-us+m1", "en-us+m3" };
        var phrases = voices.SelectMany(v => WatchList.Select(p => (Voice: v, Phrase: p))).ToList();
        var spoken = phrases.Select(p =>
        {
            var wav = temp.File($"{p.Voice}-{p.Phrase.Replace(' ', '-')}.wav");
            Processes.Tool("espeak-ng", "-v", p.Voice, "-s", "120", "-w", wav, p.Phrase);
            return MediaSource.ReadAllAudio(wav, Rate);
        }).ToList();
        var detected = new Dictionary<string, int>();
        foreach (var (snr, label) in new[] { (double.PositiveInfinity, "clean"), (10.0, "10 dB"), (0.0, "0 dB") })
        {
            detected[label] = 0;
            foreach (var ((voice, phrase), speech) in phrases.Zip(spoken))
            {
                var mixed = double.IsPositiveInfinity(snr) ? Silence(speech, 3) : Mix(speech, Ambience("car_engine"), 3, snr);
                if (Spot(mixed, WatchList).Any(h => h.Keyword == phrase && Math.Abs(h.Start - 3) < 1)) detected[label]++;
            }
            output.WriteLine($"espeak-ng phrases ({voices.Length} voices × {WatchList.Length} phrases), {label}: {detected[label]} of {phrases.Count} spotted");
        }
        var alone = Ambiences.Select(a => (a, Hits: Spot(Ambience(a), WatchList.Concat(GridKeywords)).Count)).ToList();

        Assert.All(alone, a => Assert.True(a.Hits == 0, $"{a.a}: {a.Hits} hits without speech"));
        // Measured: clean 6 of 12, 10 dB 8 of 12, 0 dB 0 of 12: espeak-ng's formant voices are far from the speech
        // PocketSphinx's en-us model was trained on (real speech: see SpeechRecognitionTests).
        Assert.True(detected["clean"] >= 4 && detected["10 dB"] >= 4, string.Join(", ", detected.Select(d => $"{d.Key}: {d.Value} of {phrases.Count}")));
    }
}
