using StreamFusion.Media.Clips;
using StreamFusion.Media.Items;

namespace StreamFusion.Media;

/// <summary>
/// An opened file, stream or device delivering video, audio and subtitle items from one demux loop, so all
/// three share one media clock. Not thread-safe except <see cref="Interrupt"/>.
/// </summary>
public interface IMediaSource : IDisposable
{
    MediaUri Uri { get; }
    MediaInfo Info { get; }
    DecodeStats Stats { get; }

    /// <summary>Evidence clips cut from this source's compressed packets; null when opened without <see cref="MediaSourceOptions.ClipPreRoll"/>.</summary>
    IClipSource? Clips => null;

    /// <summary>The next item in demux order, or null at the end of the input.</summary>
    /// <exception cref="MediaException">the input failed (network loss, read error, interruption)</exception>
    MediaItem? ReadNext();

    /// <summary>Skips over the next video frame without converting its pixels; false at the end of input.</summary>
    bool SkipNext(out MediaKind kind);

    /// <summary>Makes a blocking <see cref="ReadNext"/> on another thread return promptly with <see cref="MediaAbortedException"/>.</summary>
    void Interrupt();
}
