namespace StreamFusion.Fusion.Windows;

/// <summary>
/// Consecutive windows at or above the threshold form an incident: "start" on the first, "update" while it lasts,
/// "end" on the first window below. Its id is the camera and its start time, and its reasons accumulate the kinds
/// of cue seen in any of its windows.
/// </summary>
public sealed class IncidentTracker(string camera, double threshold)
{
    private (string Id, double Start, List<string> Reasons)? _open;

    public IncidentState? Next(double windowStart, double score, IEnumerable<string> reasonKinds)
    {
        if (score >= threshold)
        {
            var started = _open is null;
            _open ??= ($"{camera}@{windowStart.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}", windowStart, []);
            foreach (var kind in reasonKinds)
                if (!_open.Value.Reasons.Contains(kind)) _open.Value.Reasons.Add(kind);
            return new IncidentState(_open.Value.Id, started ? "start" : "update", _open.Value.Start, _open.Value.Reasons.ToList());
        }
        if (_open is not { } closing) return null;
        _open = null;
        return new IncidentState(closing.Id, "end", closing.Start, closing.Reasons.ToList());
    }
}
