using StreamFusion.Audio.Stage;
using StreamFusion.Core.Stages;

namespace StreamFusion.Speech.Stage;

/// <summary>
/// The speech stage, between audio and fusion: decodes the utterances each audio window carries (through the shared
/// pool), hands what was recognised to fusion, then passes the window on, without its samples. Fusion holds a
/// window until the speech over it has been through here, so its record has the words (up to the lateness allowed).
/// </summary>
/// <param name="transcribe">transcribe as well as spot (mode transcribe or both)</param>
/// <param name="recognised">gets each utterance with words or keyword hits, before the window that carried it moves on</param>
public sealed class SpeechStage(Pool.SpeechEnginePool pool, bool transcribe, Func<Utterance, CancellationToken, ValueTask> recognised)
{
    public SpeechCounters Counters { get; } = new();

    /// <param name="passed">sees each window as it moves on (latency)</param>
    public async Task RunAsync(PipelineEdge<AudioWindow> input, PipelineEdge<AudioWindow> output, Action<AudioWindow> passed, CancellationToken abort)
    {
        await foreach (var window in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            foreach (var clip in window.Utterances)
            {
                var result = await pool.DecodeAsync(clip, transcribe, abort).ConfigureAwait(false);
                Counters.Count(clip.End - clip.Start, result);
                if (result.Utterance is { } u && (u.Words.Count > 0 || u.Keywords.Count > 0)) await recognised(u, abort).ConfigureAwait(false);
            }
            passed(window);
            await output.WriteAsync(window.Utterances.Count == 0 ? window : window with { Utterances = [] }, abort).ConfigureAwait(false);
        }
    }
}

/// <summary>One camera's speech so far: what was decoded, found and skipped (read by progress and metrics).</summary>
public sealed class SpeechCounters
{
    private long _utterances, _words, _hits, _transcriptionSkipped, _utterancesSkipped;
    private double _seconds, _decodeSeconds;
    private readonly object _gate = new();

    public long Utterances => Interlocked.Read(ref _utterances);
    public long Words => Interlocked.Read(ref _words);
    public long KeywordHits => Interlocked.Read(ref _hits);
    public long TranscriptionSkipped => Interlocked.Read(ref _transcriptionSkipped);
    public long UtterancesSkipped => Interlocked.Read(ref _utterancesSkipped);

    /// <summary>Seconds of speech decoded, and CPU-bound seconds spent on it.</summary>
    public (double Heard, double Decoding) Seconds
    {
        get { lock (_gate) return (_seconds, _decodeSeconds); }
    }

    internal void Count(double seconds, Pool.SpeechResult result)
    {
        if (result.Utterance is not { } u)
        {
            Interlocked.Increment(ref _utterancesSkipped);
            return;
        }
        Interlocked.Increment(ref _utterances);
        Interlocked.Add(ref _words, u.Words.Count);
        Interlocked.Add(ref _hits, u.Keywords.Count);
        if (result.TranscriptionSkipped) Interlocked.Increment(ref _transcriptionSkipped);
        lock (_gate)
        {
            _seconds += seconds;
            _decodeSeconds += result.DecodeSeconds;
        }
    }
}
