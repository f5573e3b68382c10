namespace StreamFusion.Media.Clips;

/// <summary>
/// Clips remuxed from a source's compressed packets (no decoding, no re-encoding), one at a time, on the source's
/// own clock. Called only from the thread that reads the source (<see cref="ClipCutter"/> hands requests over).
/// </summary>
public interface IClipSource
{
    /// <summary>"mp4", or "mkv" when a codec of the source cannot go into MP4.</summary>
    string Extension { get; }

    /// <summary>Starts a clip at the last kept keyframe at or before <paramref name="from"/>, written to basePath + "." + Extension.</summary>
    void Begin(string basePath, double from, double maxSeconds);

    /// <summary>The open clip ends with the first video packet after <paramref name="until"/> (+∞: not known yet).</summary>
    void StopAt(double until);

    /// <summary>Ends the open clip now.</summary>
    void Finish();

    /// <summary>The clip finished since the last call, if any.</summary>
    ClipFile? TakeFinished();
}
