namespace StreamFusion.Hosting.Records;

/// <summary>Where evidence goes and how it is made (`evidence:` in a pipeline file, `--evidence DIR`).</summary>
/// <param name="MaxWidth">snapshots wider than this are scaled down; 0: the frame's size</param>
/// <param name="Clips">incident clips; null: snapshots only</param>
/// <param name="Retain">limits on what the folder keeps; null: everything</param>
public sealed record EvidenceSettings(string Directory, int MaxWidth = 0, int Quality = 85, ClipSettings? Clips = null, RetentionSettings? Retain = null)
{
    /// <summary>Also KIND-clean.jpg: the frame without anything drawn.</summary>
    public bool CleanCopy { get; init; }
    /// <summary>Also crops/KIND-N-LABEL.jpg: each detected object at full resolution.</summary>
    public bool Crops { get; init; }

    /// <summary>With `--evidence DIR` alone: snapshots and clips with the default rolls.</summary>
    public static EvidenceSettings InFolder(string directory) => new(directory, Clips: new ClipSettings());
}

/// <summary>
/// How much of the footage around an incident its clip keeps: from the keyframe at or before start − PreRoll to
/// PostRoll after its end, at most MaxLength a file (a longer incident continues in the next file).
/// </summary>
public sealed record ClipSettings
{
    public TimeSpan PreRoll { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan PostRoll { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxLength { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far back a camera's packet ring reaches: the pre-roll plus the time an incident takes to be known
    /// (its window, transcript lateness, queues), so a clip asked for late can still start at start − PreRoll.
    /// </summary>
    public TimeSpan RingFor(double windowSeconds, double latenessSeconds) =>
        PreRoll + TimeSpan.FromSeconds(Math.Max(10, 2 * windowSeconds) + latenessSeconds);
}
