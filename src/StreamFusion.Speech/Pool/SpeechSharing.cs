namespace StreamFusion.Speech.Pool;

/// <summary>What every camera of a process shares for speech: one budget, and one engine pool per configuration.</summary>
public sealed class SpeechSharing(int threads) : IDisposable
{
    private readonly Dictionary<string, SpeechEnginePool> _pools = [];

    public SpeechBudget Budget { get; } = new(threads);

    /// <summary>The pool for these settings, loading its first engine when it is the first camera to ask.</summary>
    public SpeechEnginePool PoolFor(SpeechSettings settings)
    {
        lock (_pools)
        {
            if (!_pools.TryGetValue(settings.Key, out var pool)) _pools[settings.Key] = pool = new SpeechEnginePool(settings.Create, Budget);
            return pool;
        }
    }

    public void Dispose()
    {
        lock (_pools)
            foreach (var pool in _pools.Values) pool.Dispose();
        Budget.Dispose();
    }
}
