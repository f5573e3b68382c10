using System.Collections.Concurrent;

namespace StreamFusion.Media.Items;

/// <summary>A bounded free-list of reusable items; renting from a warm pool allocates nothing.</summary>
public sealed class ItemPool<T>(Func<ItemPool<T>, T> create, int maxRetained = 64) where T : class
{
    private readonly ConcurrentQueue<T> _free = new();
    private int _created;

    /// <summary>How many items were ever created (stays flat in steady state).</summary>
    public int Created => Volatile.Read(ref _created);

    public T Rent()
    {
        if (_free.TryDequeue(out var item)) return item;
        Interlocked.Increment(ref _created);
        return create(this);
    }

    public void Return(T item)
    {
        if (_free.Count < maxRetained) _free.Enqueue(item);
    }
}
