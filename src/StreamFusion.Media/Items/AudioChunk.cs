namespace StreamFusion.Media.Items;

/// <summary>Mono float32 PCM in [-1, 1] at <see cref="SampleRate"/>; the buffer is reused through a pool.</summary>
public sealed class AudioChunk : MediaItem
{
    private readonly ItemPool<AudioChunk>? _pool;
    private float[] _buffer = [];
    private int _rented;

    public AudioChunk(ItemPool<AudioChunk>? pool) => _pool = pool;

    public override MediaKind Kind => MediaKind.Audio;
    public int SampleRate { get; private set; }
    public int SampleCount { get; private set; }
    public double Duration => SampleCount / (double)SampleRate;
    public ReadOnlyMemory<float> Samples => _buffer.AsMemory(0, SampleCount);

    internal float[] Buffer => _buffer;

    internal void Prepare(int capacity, int sampleRate, double pts)
    {
        if (_buffer.Length < capacity) _buffer = GC.AllocateUninitializedArray<float>(capacity);
        SampleRate = sampleRate;
        Pts = pts;
        SampleCount = 0;
        Volatile.Write(ref _rented, 1);
    }

    internal void SetCount(int count) => SampleCount = count;

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1) _pool?.Return(this);
    }
}
