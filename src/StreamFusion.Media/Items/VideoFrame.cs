namespace StreamFusion.Media.Items;

/// <summary>A BGR24 frame (rows of Width*3 bytes, no padding) whose pixel buffer is reused through a pool.</summary>
public sealed class VideoFrame : MediaItem
{
    private readonly ItemPool<VideoFrame>? _pool;
    private byte[] _buffer = [];
    private int _rented;

    public VideoFrame(ItemPool<VideoFrame>? pool) => _pool = pool;

    public override MediaKind Kind => MediaKind.Video;
    public int Width { get; private set; }
    public int Height { get; private set; }
    public int Stride => Width * 3;
    /// <summary>0-based index of the frame in decode order.</summary>
    public long Index { get; internal set; }
    public Memory<byte> Pixels => _buffer.AsMemory(0, Stride * Height);

    internal byte[] Buffer => _buffer;

    /// <param name="bufferBytes">what the decoder writes: the pixels plus the converter's slack past the last row</param>
    internal void Prepare(int width, int height, int bufferBytes, double pts, long index)
    {
        Width = width;
        Height = height;
        Pts = pts;
        Index = index;
        if (_buffer.Length < bufferBytes) _buffer = GC.AllocateUninitializedArray<byte>(bufferBytes);
        Volatile.Write(ref _rented, 1);
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1) _pool?.Return(this);
    }
}
