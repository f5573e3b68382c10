using System.Globalization;
using System.Runtime.InteropServices;
using StreamFusion.Speech.Native;
using static StreamFusion.Speech.Native.PocketSphinxNative;

namespace StreamFusion.Speech.PocketSphinx;

/// <summary>
/// PocketSphinx, in process: keyword spotting of the watch-list (its -kws search) and, when asked, transcription
/// with the general en-us language model, each utterance decoded whole. Times are on the media clock.
/// </summary>
public sealed unsafe class PocketSphinxEngine : ISpeechEngine
{
    /// <summary>PocketSphinx's feature frames per second (-frate).</summary>
    private const double FramesPerSecond = 100;
    private readonly DecoderHandle? _spotter, _transcriber;
    private short[] _pcm = new short[16000 * 10];

    public PocketSphinxEngine(PocketSphinxSettings settings)
    {
        if (settings.Keywords.Count == 0 && !settings.Transcribe) throw new ArgumentException("pocketsphinx: no keywords and no transcription: nothing to listen for");
        foreach (var (path, what) in new[] { (settings.AcousticModel, "acoustic model"), (settings.Dictionary, "dictionary") }.Concat(
                     settings.Transcribe ? [(settings.LanguageModel, "language model")] : []))
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new SpeechUnavailableException($"pocketsphinx: {what} not found: {path} (apt-get install pocketsphinx-en-us)");
        var dictionary = settings.Keywords.Count > 0 ? Words(settings.Dictionary) : [];
        foreach (var phrase in settings.Keywords.Keys)
            if (phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => !dictionary.Contains(w.ToLowerInvariant())) is { } unknown)
                throw new ArgumentException($"pocketsphinx: keyword '{phrase}': '{unknown}' is not in the dictionary {settings.Dictionary}");
        try
        {
            if (settings.Keywords.Count > 0)
            {
                var watchList = KeywordFile(settings.Keywords);
                try
                {
                    _spotter = CreateDecoder(settings, ["-kws", watchList, "-kws_plp", settings.PhoneLoopProbability.ToString("0.###e+0", CultureInfo.InvariantCulture)]); // read at load
                }
                finally
                {
                    File.Delete(watchList);
                }
            }
            _transcriber = settings.Transcribe ? CreateDecoder(settings, ["-lm", settings.LanguageModel]) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new SpeechUnavailableException($"pocketsphinx: cannot load libpocketsphinx.so.3 ({e.Message.Split('\n')[0]}); apt-get install libpocketsphinx3 pocketsphinx-en-us");
        }
        Name = "pocketsphinx (" + string.Join(", ", new[] { _spotter is null ? null : "keywords", _transcriber is null ? null : "transcription" }.OfType<string>()) + ")";
    }

    public string Name { get; }
    public bool Spots => _spotter is not null;

    public Utterance Decode(ReadOnlySpan<float> samples, double start, bool transcribe = true)
    {
        if (_pcm.Length < samples.Length) _pcm = new short[samples.Length];
        for (var i = 0; i < samples.Length; i++) _pcm[i] = (short)Math.Clamp(samples[i] * 32767f, short.MinValue, short.MaxValue);
        var pcm = _pcm.AsSpan(0, samples.Length);
        var keywords = _spotter is null ? [] : Segments(_spotter, pcm, start, spotting: true).OrderBy(s => s.Start)
            .Select(s => new KeywordHit(s.Word.Trim(), s.Start, s.End, s.Confidence)).ToList();
        var words = _transcriber is null || !transcribe ? [] : Segments(_transcriber, pcm, start, spotting: false).Where(s => IsWord(s.Word)).Select(s => s with { Word = Spelling(s.Word) }).ToList();
        return new Utterance(start, start + samples.Length / (double)ISpeechEngine.SampleRate, string.Join(' ', words.Select(w => w.Word)), words, keywords);
    }

    private static List<RecognizedWord> Segments(DecoderHandle decoder, ReadOnlySpan<short> pcm, double start, bool spotting)
    {
        Check(StartUtterance(decoder), "start an utterance");
        fixed (short* data = pcm) Check(ProcessRaw(decoder, data, (nuint)pcm.Length, noSearch: 0, fullUtterance: 1), "decode");
        if (spotting) Hypothesis(decoder, out _); // the keyword search reports its hits while the utterance is open
        else Check(EndUtterance(decoder), "end an utterance");
        var found = new List<RecognizedWord>();
        var logMath = LogMath(decoder);
        for (var segment = SegmentIterator(decoder); segment != 0; segment = NextSegment(segment))
        {
            SegmentFrames(segment, out var first, out var last);
            var probability = SegmentProbability(segment, out _, out _, out _);
            found.Add(new RecognizedWord(Utf8(SegmentWord(segment)), start + first / FramesPerSecond, start + (last + 1) / FramesPerSecond,
                Math.Clamp(Exp(logMath, probability), 0, 1)));
        }
        if (spotting) Check(EndUtterance(decoder), "end an utterance");
        return found;
    }

    private static DecoderHandle CreateDecoder(PocketSphinxSettings settings, string[] search)
    {
        string[] arguments = ["-hmm", settings.AcousticModel, "-dict", settings.Dictionary, "-logfn", "/dev/null", .. search];
        var argv = arguments.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        try
        {
            fixed (nint* pointers = argv)
            {
                var config = ParseArguments(0, Args(), argv.Length, pointers, strict: 1);
                if (config == 0) throw new SpeechUnavailableException($"pocketsphinx: rejected its arguments ({string.Join(' ', arguments)})");
                var decoder = Init(config);
                FreeArguments(config); // the decoder keeps its own reference
                if (decoder.IsInvalid) throw new SpeechUnavailableException($"pocketsphinx: cannot load the model in {settings.AcousticModel} (apt-get install pocketsphinx-en-us)");
                return decoder;
            }
        }
        finally
        {
            foreach (var pointer in argv) Marshal.FreeCoTaskMem(pointer);
        }
    }

    /// <summary>PocketSphinx reads the watch-list from a file: one phrase a line with its threshold.</summary>
    private static string KeywordFile(IReadOnlyDictionary<string, double> keywords)
    {
        var file = Path.Combine(Path.GetTempPath(), $"streamfusion-kws-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(file, keywords.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key.ToLowerInvariant()} /{k.Value:0.###e+0}/")));
        return file;
    }

    private static HashSet<string> Words(string dictionary) =>
        File.ReadLines(dictionary).Select(line => line.Split(' ', 2)[0]).Select(Spelling).ToHashSet();

    /// <summary>Fillers and silences are not words: &lt;s&gt;, &lt;/s&gt;, &lt;sil&gt;, [NOISE].</summary>
    private static bool IsWord(string token) => token.Length > 0 && token[0] is not ('<' or '[' or '+');

    /// <summary>"read(2)", a second pronunciation, is spelt "read".</summary>
    private static string Spelling(string token) => token.IndexOf('(') is var paren and > 0 ? token[..paren] : token;

    private static void Check(int status, string what)
    {
        if (status < 0) throw new InvalidOperationException($"pocketsphinx: could not {what} ({status})");
    }

    public void Dispose()
    {
        _spotter?.Dispose();
        _transcriber?.Dispose();
    }
}
