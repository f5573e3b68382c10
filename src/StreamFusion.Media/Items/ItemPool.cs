using System.Collections.Concurrent;

namespace StreamFusion.Media.Items;

/// <summary>A bounded free-list of reusable items; renting from a warm pool allocates nothing.</summary>
public sealed class ItemPool<T>(Func<ItemPool<T>, T> create, int maxRetained = 64) where T : class
{
    private readonly ConcurrentQueue<T> _free = new();

    public T Rent() => _free.TryDequeue(out var item) ? item : create(this);

    public void Return(T item)
    {
        if (_free.Count < maxRetained) _free.Enqueue(item);
    }
}
