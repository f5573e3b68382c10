namespace StreamFusion.Media.Items;

/// <summary>Mono float32 PCM in [-1, 1] at <see cref="SampleRate"/>; the buffer is reused through a pool.</summary>
public sealed class AudioChunk(ItemPool<AudioChunk>? pool) : PooledMediaItem<AudioChunk>(pool)
{
    private float[] _buffer = [];

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
        MarkRented();
    }

    internal void SetCount(int count) => SampleCount = count;
}
