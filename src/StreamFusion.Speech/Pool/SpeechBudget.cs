namespace StreamFusion.Speech.Pool;

/// <summary>
/// The process's speech budget: how many utterances are decoded at the same time, across every camera and engine,
/// so N talking cameras share a fixed number of cores instead of taking them from video.
/// </summary>
public sealed class SpeechBudget(int threads) : IDisposable
{
    private readonly SemaphoreSlim _decoders = new(threads, threads);
    private int _waiting;

    public int Threads { get; } = threads;

    /// <summary>Utterances waiting for a decoder right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A decoder at once, or null when all are busy.</summary>
    internal Lease? TryTake() => _decoders.Wait(0) ? new Lease(_decoders) : null;

    internal async Task<Lease> TakeAsync(CancellationToken abort)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _decoders.WaitAsync(abort).ConfigureAwait(false);
            return new Lease(_decoders);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _decoders.Dispose();

    internal sealed class Lease(SemaphoreSlim decoders) : IDisposable
    {
        public void Dispose() => decoders.Release();
    }
}
