namespace StreamFusion.Vision.Scene;

/// <summary>Kinds of <see cref="SceneEvent"/>.</summary>
public static class SceneEventKinds
{
    public const string Enter = "enter", Exit = "exit", LoiterStart = "loiter_start", LoiterEnd = "loiter_end",
        CrowdStart = "crowd_start", CrowdEnd = "crowd_end", Cross = "cross", Stationary = "stationary";
}

/// <summary>
/// Something that happened in a zone or at a line, on the analysed frame where it happened (media clock).
/// </summary>
/// <param name="Rule">the zone or line</param>
/// <param name="Track">the object's track id; 0 for crowding</param>
/// <param name="Dwell">seconds in the zone (exit, loiter, stationary)</param>
/// <param name="Direction">crossings: "in" or "out"</param>
/// <param name="Count">crowding: objects in the zone</param>
public sealed record SceneEvent(string Kind, string Rule, int Track, string Label, double Pts)
{
    public double? Dwell { get; init; }
    public string? Direction { get; init; }
    public int? Count { get; init; }

    public override string ToString()
    {
        var what = Kind switch
        {
            SceneEventKinds.Enter => $"{Label} #{Track} entered '{Rule}'",
            SceneEventKinds.Exit => $"{Label} #{Track} left '{Rule}' after {Dwell:F1}s",
            SceneEventKinds.LoiterStart => $"{Label} #{Track} loitering in '{Rule}' ({Dwell:F1}s)",
            SceneEventKinds.LoiterEnd => $"{Label} #{Track} stopped loitering in '{Rule}' after {Dwell:F1}s",
            SceneEventKinds.CrowdStart => $"crowding in '{Rule}': {Count} objects",
            SceneEventKinds.CrowdEnd => $"crowding over in '{Rule}': {Count} objects",
            SceneEventKinds.Cross => $"{Label} #{Track} crossed '{Rule}' {Direction}",
            SceneEventKinds.Stationary => $"{Label} #{Track} stationary in '{Rule}' ({Dwell:F1}s)",
            _ => $"{Kind} '{Rule}'",
        };
        return FormattableString.Invariant($"{Pts:F2}s {what}");
    }
}

/// <summary>An object inside a zone: since when (dwell), and whether it loiters or stands still.</summary>
public sealed record ZoneOccupant(int Track, string Label, double Dwell, bool Loitering, bool Stationary);

/// <summary>A zone's occupants after a frame (objects in their exit grace still count).</summary>
public sealed record ZoneState(string Name, IReadOnlyList<ZoneOccupant> Occupants, bool Crowded);

/// <summary>A line's crossings so far, per direction.</summary>
public sealed record LineState(string Name, long In, long Out);

/// <summary>What the scene rules made of one frame.</summary>
/// <param name="Stationary">tracks standing still (they raise no alerts)</param>
public sealed record SceneFrame(IReadOnlyList<SceneEvent> Events, IReadOnlyList<ZoneState> Zones, IReadOnlyList<LineState> Lines, IReadOnlySet<int> Stationary);
