namespace StreamFusion.Fusion.Windows;

/// <summary>One camera window joined across modalities: the output record, serialised per schemas/streamfusion.detection.v1.schema.json.</summary>
/// <param name="Revision">0 for the window's first record; 1, 2, … for corrections after late transcript segments</param>
public sealed record FusedRecord(
    string Id, string Camera, double Start, double End, DateTimeOffset Wallclock,
    IReadOnlyList<FusedObject> Objects, FusedAudio? Audio, FusedTranscript Transcript,
    double Score, string Severity, IReadOnlyList<string> Reasons, IncidentState? Incident, int Revision = 0)
{
    public const string Schema = "streamfusion.detection.v1";

    /// <summary>When the window's last moment was captured: what publish latency is measured from (not serialised).</summary>
    public DateTimeOffset EndCaptured { get; init; } = Wallclock;

    /// <summary>The camera's zones in this window; null when it has none (the record then has no "zones").</summary>
    public IReadOnlyList<FusedZone>? Zones { get; init; }
    /// <summary>The camera's lines in this window; null when it has none.</summary>
    public IReadOnlyList<FusedLine>? Lines { get; init; }
    /// <summary>The incident snapshot taken from this window, when one was (evidence on).</summary>
    public FusedSnapshot? Snapshot { get; init; }
    /// <summary>The incident clip covering this window, on an incident's start and end records (evidence clips on).</summary>
    public FusedClip? Clip { get; init; }
}

/// <summary>An incident clip: path relative to the evidence folder; a "clip ready" message follows once it is complete.</summary>
public sealed record FusedClip(string Path);

/// <summary>An incident snapshot: at its start, or its best-scoring window so far; path relative to the evidence folder, and the frame's pts.</summary>
/// <param name="Objects">the boxes drawn on it: what was detected in that frame</param>
/// <param name="Topic">the snapshots topic it is also published to (key = camera, headers: incident, kind, pts); null: a file only</param>
public sealed record FusedSnapshot(string Kind, string Path, double Pts, int Width, int Height, IReadOnlyList<FusedObject> Objects, string? Topic = null);

/// <summary>A scene event as records carry it (see StreamFusion.Vision.Scene.SceneEvent).</summary>
public sealed record FusedSceneEvent(string Kind, int Track, string Label, double Pts, double? Dwell, string? Direction, int? Count);

/// <summary>One zone at the window's end: objects inside by label, the longest dwell, loiterers, and what happened in it.</summary>
public sealed record FusedZone(string Name, IReadOnlyDictionary<string, int> Objects, double Dwell, IReadOnlyList<int> Loitering, IReadOnlyList<int> Stationary,
    bool Crowded, IReadOnlyList<FusedSceneEvent> Events);

/// <summary>One line: crossings in this window and since the start, per direction.</summary>
public sealed record FusedLine(string Name, long In, long Out, long TotalIn, long TotalOut, IReadOnlyList<FusedSceneEvent> Events);

/// <summary>The best sighting of one tracked object in the window; box [x, y, w, h] normalised to the frame.</summary>
public sealed record FusedObject(string Label, double Score, double[] Box, int Track);

public sealed record FusedEvent(string Kind, double Start, double End, double Score);

public sealed record FusedAudio(double RmsDb, double Speech, IReadOnlyList<FusedEvent> Events, IReadOnlyList<double> MfccMean)
{
    /// <summary>The sound tagger's events reported in the window; null when the tagger is off (the record then has no "sounds").</summary>
    public IReadOnlyList<StreamFusion.Audio.Sounds.SoundEvent>? Sounds { get; init; }
    /// <summary>The tagger's embedding of its last window here, when asked for.</summary>
    public float[]? Embedding { get; init; }
}

/// <param name="Source">where the text came from ("asr", "subtitle", "kafka", …; several joined by '+'); null when nothing was said</param>
/// <param name="Hits">keywords placed in time: spotted by speech recognition or found in its timed words</param>
public sealed record FusedTranscript(string Text, IReadOnlyList<string> Keywords, string? Source = null, IReadOnlyList<FusedKeywordHit>? Hits = null)
{
    public IReadOnlyList<FusedKeywordHit> Hits { get; init; } = Hits ?? [];
}

public sealed record FusedKeywordHit(string Keyword, double Start, double End, double Score);

/// <summary>An incident's id (camera and start time, so replays give the same ids), its state and what caused it.</summary>
public sealed record IncidentState(string Id, string State, double Start, IReadOnlyList<string> Reasons);
