namespace StreamFusion.Media.Items;

/// <summary>An item whose buffer is reused: Dispose hands it back to its pool once, however often it is called.</summary>
public abstract class PooledMediaItem<T>(ItemPool<T>? pool) : MediaItem where T : PooledMediaItem<T>
{
    private int _rented;

    protected void MarkRented() => Volatile.Write(ref _rented, 1);

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1) pool?.Return((T)this);
    }
}
