using Whisper.net;

namespace StreamFusion.Speech.Whisper;

/// <summary>
/// Whisper, in process: transcribes each utterance whole, with word times from its token timestamps. It spots no
/// keywords of its own: fusion finds the watch-list in its words.
/// </summary>
public sealed class WhisperEngine : ISpeechEngine
{
    private readonly WhisperFactory _factory;
    private readonly WhisperProcessor _processor;
    private readonly List<SegmentData> _segments = []; // filled by the processor's handler during Process

    public WhisperEngine(WhisperSettings settings)
    {
        if (settings.Model is not { } model) throw new SpeechUnavailableException("whisper: no model given (speech.whisper.model: a ggml model such as ggml-base.en.bin from https://huggingface.co/ggerganov/whisper.cpp)");
        if (!File.Exists(model)) throw new SpeechUnavailableException($"whisper: model not found: {model} (download a ggml model such as ggml-base.en.bin from https://huggingface.co/ggerganov/whisper.cpp)");
        try
        {
            _factory = WhisperFactory.FromPath(model);
            _processor = _factory.CreateBuilder().WithLanguage(settings.Language).WithThreads(settings.Threads).WithTokenTimestamps().WithProbabilities()
                .WithSegmentEventHandler(_segments.Add).Build();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _factory?.Dispose();
            throw new SpeechUnavailableException($"whisper: cannot load {model}: not a ggml whisper model, or the whisper runtime is missing ({e.Message.Split('\n')[0]})");
        }
        Name = $"whisper ({Path.GetFileName(model)}, {settings.Language})";
    }

    public string Name { get; }
    public bool Spots => false;

    public Utterance Decode(ReadOnlySpan<float> samples, double start, bool transcribe = true)
    {
        var words = new List<RecognizedWord>();
        var text = new List<string>();
        _segments.Clear();
        _processor.Process(samples);
        foreach (var segment in _segments)
        {
            text.Add(segment.Text.Trim());
            words.AddRange(Words(segment, start));
        }
        return new Utterance(start, start + samples.Length / (double)ISpeechEngine.SampleRate, string.Join(' ', text.Where(t => t.Length > 0)), words, []);
    }

    /// <summary>Tokens that begin with a space begin a word; special tokens ("[_BEG_]", "&lt;|en|&gt;") are none. Times are in 10 ms steps.</summary>
    internal static IEnumerable<RecognizedWord> Words(SegmentData segment, double start)
    {
        RecognizedWord? open = null;
        foreach (var token in segment.Tokens ?? [])
        {
            var piece = token.Text ?? "";
            if (piece.Length == 0 || piece.StartsWith("[_", StringComparison.Ordinal) || piece.StartsWith("<|", StringComparison.Ordinal)) continue;
            double from = start + token.Start / 100.0, to = start + token.End / 100.0;
            if (open is null || piece[0] == ' ')
            {
                if (open is not null) yield return open;
                open = new RecognizedWord(piece.Trim(), from, Math.Max(from, to), token.Probability);
            }
            else open = open with { Word = open.Word + piece, End = Math.Max(open.End, to), Confidence = Math.Min(open.Confidence, token.Probability) };
        }
        if (open is not null) yield return open;
    }

    public void Dispose()
    {
        _processor.Dispose();
        _factory.Dispose();
    }
}
