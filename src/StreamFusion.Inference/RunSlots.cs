namespace StreamFusion.Inference;

/// <summary>
/// How many runs of one session may execute at the same time. On a CPU, single-threaded runs side by side use
/// the cores better than one run split over them (no barrier between threads at every operator); on a GPU, one
/// run at a time and batches instead. A run takes a slot with <see cref="Enter"/> and gives it back on Dispose.
/// </summary>
public sealed class RunSlots(int count)
{
    private readonly SemaphoreSlim _free = new(count, count);

    public int Count => count;

    public Slot Enter()
    {
        _free.Wait();
        return new Slot(_free);
    }

    public readonly struct Slot(SemaphoreSlim free) : IDisposable
    {
        public void Dispose() => free.Release();
    }
}
