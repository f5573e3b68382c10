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
}

/// <summary>The best sighting of one tracked object in the window; box [x, y, w, h] normalised to the frame.</summary>
public sealed record FusedObject(string Label, double Score, double[] Box, int Track);

public sealed record FusedEvent(string Kind, double Start, double End, double Score);

public sealed record FusedAudio(double RmsDb, double Speech, IReadOnlyList<FusedEvent> Events, IReadOnlyList<double> MfccMean);

/// <param name="Source">where the text came from ("asr", "subtitle", "kafka", …; several joined by '+'); null when nothing was said</param>
/// <param name="Hits">keywords placed in time: spotted by speech recognition or found in its timed words</param>
public sealed record FusedTranscript(string Text, IReadOnlyList<string> Keywords, string? Source = null, IReadOnlyList<FusedKeywordHit>? Hits = null)
{
    public IReadOnlyList<FusedKeywordHit> Hits { get; init; } = Hits ?? [];
}

public sealed record FusedKeywordHit(string Keyword, double Start, double End, double Score);

/// <summary>An incident's id (camera and start time, so replays give the same ids), its state and what caused it.</summary>
public sealed record IncidentState(string Id, string State, double Start, IReadOnlyList<string> Reasons);
