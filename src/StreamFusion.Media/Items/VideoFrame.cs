namespace StreamFusion.Media.Items;

/// <summary>A BGR24 frame (rows of Width*3 bytes, no padding) whose pixel buffer is reused through a pool.</summary>
public sealed class VideoFrame(ItemPool<VideoFrame>? pool) : PooledMediaItem<VideoFrame>(pool)
{
    private byte[] _buffer = [];

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
        // Pinned: native code reads and writes it every frame, and it keeps its address for views made over it.
        if (_buffer.Length < bufferBytes) _buffer = GC.AllocateUninitializedArray<byte>(bufferBytes, pinned: true);
        MarkRented();
    }
}
