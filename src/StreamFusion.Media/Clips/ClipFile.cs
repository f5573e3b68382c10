namespace StreamFusion.Media.Clips;

/// <summary>A finished evidence clip: the remuxed packets of one stretch of the source, or why it failed.</summary>
/// <param name="Start">media time of its first packet (a keyframe)</param>
/// <param name="End">media time its last packet ends</param>
/// <param name="Error">null when complete and under its final name; else why nothing is there</param>
public sealed record ClipFile(string Path, double Start, double End, int VideoFrames, int AudioPackets, long Bytes, string? Error)
{
    public double Duration => End - Start;
}
