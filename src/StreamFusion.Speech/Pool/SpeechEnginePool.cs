using System.Collections.Concurrent;
using System.Diagnostics;
using StreamFusion.Audio.Vad;

namespace StreamFusion.Speech.Pool;

/// <summary>What became of one utterance.</summary>
/// <param name="Utterance">null when it was skipped for the budget</param>
/// <param name="TranscriptionSkipped">over budget: only its keywords were spotted</param>
/// <param name="DecodeSeconds">CPU-bound time spent decoding it</param>
public sealed record SpeechResult(Utterance? Utterance, bool TranscriptionSkipped, double DecodeSeconds);

/// <summary>
/// Engines of one configuration, shared by every camera that uses it: loaded once (the first at once, so a missing
/// model fails the camera's open), more as cameras talk at the same time, never more than the budget's threads.
/// When no decoder is free, transcription is skipped before keyword spotting: spotting waits for a decoder; an
/// engine that cannot spot without transcribing skips the utterance once as many wait as there are decoders.
/// </summary>
public sealed class SpeechEnginePool : IDisposable
{
    private readonly Func<ISpeechEngine> _create;
    private readonly SpeechBudget _budget;
    private readonly ConcurrentBag<ISpeechEngine> _idle = [];
    private readonly ConcurrentBag<ISpeechEngine> _all = [];

    public SpeechEnginePool(Func<ISpeechEngine> create, SpeechBudget budget)
    {
        (_create, _budget) = (create, budget);
        var first = create();
        _all.Add(first);
        _idle.Add(first);
        Name = first.Name;
        Spots = first.Spots;
    }

    public string Name { get; }
    public bool Spots { get; }
    public int Engines => _all.Count;

    public async Task<SpeechResult> DecodeAsync(SpeechClip clip, bool transcribe, CancellationToken abort)
    {
        if (clip.SampleRate != ISpeechEngine.SampleRate) throw new ArgumentException($"speech: clips must be {ISpeechEngine.SampleRate} Hz, not {clip.SampleRate}");
        var skippedTranscription = false;
        var lease = _budget.TryTake();
        if (lease is null)
        {
            if (transcribe && Spots) (transcribe, skippedTranscription) = (false, true);
            else if (!Spots && _budget.Waiting >= _budget.Threads) return new SpeechResult(null, false, 0);
            lease = await _budget.TakeAsync(abort).ConfigureAwait(false);
        }
        using (lease)
        {
            var engine = Rent();
            try
            {
                var clock = Stopwatch.StartNew();
                var utterance = engine.Decode(clip.Samples, clip.Start, transcribe);
                return new SpeechResult(utterance, skippedTranscription, clock.Elapsed.TotalSeconds);
            }
            finally
            {
                _idle.Add(engine);
            }
        }
    }

    private ISpeechEngine Rent()
    {
        if (_idle.TryTake(out var engine)) return engine;
        engine = _create(); // fewer engines than decoders so far: a lease guarantees at most Threads are in use
        _all.Add(engine);
        return engine;
    }

    public void Dispose()
    {
        foreach (var engine in _all) engine.Dispose();
    }
}
