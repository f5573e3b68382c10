using System.Globalization;
using StreamFusion.Vision.Scene;

namespace StreamFusion.Fusion.Windows;

/// <summary>
/// What a window's scene rules say: each zone and line as the record carries it, and the reasons they add to the
/// score. A zone gives one reason, its strongest (crowding, then loitering, then an object entering, then objects
/// moving inside), weighted by its weight; a line gives one per direction crossed. Objects standing still raise
/// nothing: a loiterer raises an alert when its loitering starts, and only goes on raising while it moves.
/// </summary>
public sealed class SceneScoring(SceneRules rules, IReadOnlyList<string> requiredZones)
{
    private readonly bool _requiresZone = rules.Zones.Any(z => requiredZones.Contains(z.Name));

    public bool HasRules => rules.FollowsObjects;

    public sealed record Result(IReadOnlyList<FusedZone> Zones, IReadOnlyList<FusedLine> Lines,
        IReadOnlyList<(string Kind, string Text, double Contribution)> Reasons, bool MayRaiseIncident);

    /// <param name="scene">the scene after the window's last frame (or the previous window's, when it had none)</param>
    /// <param name="events">the scene events that happened in the window</param>
    public Result Score(SceneFrame? scene, IReadOnlyList<SceneEvent> events)
    {
        var zones = new List<FusedZone>();
        var lines = new List<FusedLine>();
        var reasons = new List<(string Kind, string Text, double Contribution)>();
        var requiredActive = false;
        foreach (var rule in rules.Zones)
        {
            var state = scene?.Zones.FirstOrDefault(z => z.Name == rule.Name);
            var occupants = state?.Occupants ?? [];
            var happened = events.Where(e => e.Rule == rule.Name).ToList();
            zones.Add(new FusedZone(rule.Name, occupants.GroupBy(o => o.Label).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                occupants.Count == 0 ? 0 : occupants.Max(o => o.Dwell), occupants.Where(o => o.Loitering).Select(o => o.Track).ToList(),
                occupants.Where(o => o.Stationary).Select(o => o.Track).ToList(), state?.Crowded ?? false, happened.Select(Fused).ToList()));
            if (requiredZones.Contains(rule.Name) && (occupants.Count > 0 || happened.Count > 0)) requiredActive = true;
            if (ZoneReason(rule, occupants, state?.Crowded ?? false, happened) is { } reason) reasons.Add(reason);
        }
        foreach (var rule in rules.Lines)
        {
            var state = scene?.Lines.FirstOrDefault(l => l.Name == rule.Name) ?? new LineState(rule.Name, 0, 0);
            var crossed = events.Where(e => e.Rule == rule.Name && e.Kind == SceneEventKinds.Cross).ToList();
            var (inbound, outbound) = (crossed.Count(e => e.Direction == "in"), crossed.Count(e => e.Direction == "out"));
            lines.Add(new FusedLine(rule.Name, inbound, outbound, state.In, state.Out, crossed.Select(Fused).ToList()));
            foreach (var (count, direction) in new[] { (inbound, "inbound"), (outbound, "outbound") }.Where(c => c.Item1 > 0))
                reasons.Add(("crossing", Invariant($"{count} crossing{(count == 1 ? "" : "s")} '{rule.Name}' {direction}"), rule.Weight));
        }
        return new Result(zones, lines, reasons, !_requiresZone || requiredActive);
    }

    private static (string Kind, string Text, double Contribution)? ZoneReason(ZoneRule rule, IReadOnlyList<ZoneOccupant> occupants, bool crowded, List<SceneEvent> happened)
    {
        if (crowded || happened.Any(e => e.Kind == SceneEventKinds.CrowdStart))
            return ("crowding", Invariant($"crowding in '{rule.Name}': {occupants.Count} objects (max {rule.MaxObjects})"), rule.Weight);
        var startedLoitering = happened.Where(e => e.Kind == SceneEventKinds.LoiterStart).Select(e => e.Track).ToHashSet();
        if (occupants.Where(o => o.Loitering && (!o.Stationary || startedLoitering.Contains(o.Track))).MaxBy(o => o.Dwell) is { } loiterer)
            return ("loitering", Invariant($"{loiterer.Label} loitering in '{rule.Name}' for {loiterer.Dwell:F0} s"), rule.Weight);
        if (happened.FirstOrDefault(e => e.Kind == SceneEventKinds.Enter) is { } entered)
            return ("zone", Invariant($"{entered.Label} entered '{rule.Name}' (track {entered.Track})"), rule.Weight);
        var moving = occupants.Where(o => !o.Stationary).ToList();
        if (moving.Count == 0) return null;
        var described = string.Join(", ", moving.GroupBy(o => o.Label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        return ("zone", $"{described} in '{rule.Name}'", rule.Weight);
    }

    private static FusedSceneEvent Fused(SceneEvent e) => new(e.Kind, e.Track, e.Label, Math.Round(e.Pts, 3), e.Dwell, e.Direction, e.Count);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
