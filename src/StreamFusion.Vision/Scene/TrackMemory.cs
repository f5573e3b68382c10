namespace StreamFusion.Vision.Scene;

/// <summary>
/// What a rule remembers per track, forgotten once the track has been unseen for a while (swept about once a
/// second of media time, not every frame).
/// </summary>
internal sealed class TrackMemory<T> where T : struct
{
    private const double ForgetAfter = 30, SweepEvery = 1;
    private readonly Dictionary<int, (T Value, double Seen)> _tracks = [];
    private double _nextSweep = double.NegativeInfinity;

    public bool TryGet(int track, out T value)
    {
        var known = _tracks.TryGetValue(track, out var entry);
        value = entry.Value;
        return known;
    }

    public void Set(int track, T value, double pts) => _tracks[track] = (value, pts);

    /// <summary>The track was seen, its state unchanged.</summary>
    public void Seen(int track, double pts)
    {
        if (_tracks.TryGetValue(track, out var entry)) _tracks[track] = entry with { Seen = pts };
    }

    public void Sweep(double pts, Action<int>? forgotten = null)
    {
        if (pts < _nextSweep) return;
        _nextSweep = pts + SweepEvery;
        foreach (var (track, entry) in _tracks)
        {
            if (pts - entry.Seen <= ForgetAfter) continue;
            _tracks.Remove(track); // removing while enumerating is allowed for Dictionary
            forgotten?.Invoke(track);
        }
    }
}
