namespace StreamFusion.Media.Items;

public enum MediaKind { Video, Audio, Subtitle }

/// <summary>
/// One decoded unit on the shared media clock: seconds since the container's start. Pooled items go back to
/// their pool on Dispose; the consumer that takes an item off a channel owns it and must dispose it.
/// </summary>
public abstract class MediaItem : IDisposable
{
    public abstract MediaKind Kind { get; }
    public double Pts { get; internal set; }
    public virtual void Dispose() { }
}
