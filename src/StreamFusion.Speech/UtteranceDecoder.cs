namespace StreamFusion.Speech;

/// <summary>
/// Decodes the stretches of speech that voice activity found, each as one utterance (whole-file decoding gives
/// times past the end and worse text), with a little audio either side so word edges are not cut.
/// </summary>
public static class UtteranceDecoder
{
    public const int SampleRate = 16000;
    private const double Padding = 0.2;

    /// <param name="samples">the whole recording, 16 kHz mono; sample 0 is media time 0</param>
    /// <param name="speech">where voice activity heard speech (start, end in seconds)</param>
    public static List<Utterance> DecodeAll(ISpeechEngine engine, ReadOnlySpan<float> samples, IEnumerable<(double Start, double End)> speech)
    {
        var utterances = new List<Utterance>();
        foreach (var (start, end) in Joined(speech))
        {
            var first = Math.Clamp((int)((start - Padding) * SampleRate), 0, samples.Length);
            var last = Math.Clamp((int)((end + Padding) * SampleRate), first, samples.Length);
            if (last - first < SampleRate / 10) continue;
            utterances.Add(engine.Decode(samples[first..last], first / (double)SampleRate));
        }
        return utterances;
    }

    /// <summary>Speech with pauses shorter than this between them is one utterance: a word is never split.</summary>
    private const double ShortestPause = 0.5;

    private static IEnumerable<(double Start, double End)> Joined(IEnumerable<(double Start, double End)> speech)
    {
        (double Start, double End)? open = null;
        foreach (var segment in speech.OrderBy(s => s.Start))
        {
            if (open is { } o && segment.Start - o.End < ShortestPause) open = (o.Start, Math.Max(o.End, segment.End));
            else
            {
                if (open is { } done) yield return done;
                open = segment;
            }
        }
        if (open is { } last) yield return last;
    }
}
