using StreamFusion.Vision.Scene.Geometry;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// A named area where objects are followed: who entered, who left, who stays (loitering), how many (crowding).
/// </summary>
/// <param name="Objects">labels that count here; empty: every label</param>
/// <param name="MinArea">smallest box, as a fraction of the frame's area</param>
/// <param name="Inertia">analysed frames in a row an object must be inside before it has entered</param>
/// <param name="ExitGrace">seconds an object may be unseen or outside before it has left, so an occlusion keeps its dwell</param>
/// <param name="Loitering">dwell in seconds that makes a loiterer; 0: off</param>
/// <param name="MaxObjects">more objects than this at once is crowding; 0: off</param>
/// <param name="Weight">what activity here weighs in the fused score (0..1)</param>
/// <param name="Anchor">null: the rules' anchor</param>
public sealed record ZoneRule(string Name, Polygon Area)
{
    public IReadOnlyList<string> Objects { get; init; } = [];
    public float MinScore { get; init; }
    public double MinArea { get; init; }
    public int Inertia { get; init; } = 3;
    public double ExitGrace { get; init; } = 2;
    public double Loitering { get; init; }
    public int MaxObjects { get; init; }
    public double Weight { get; init; } = 0.5;
    public AnchorPoint? Anchor { get; init; }
}

/// <summary>A named tripwire: crossings counted per direction (see <see cref="Polyline"/> for which is "in").</summary>
/// <param name="Hysteresis">an anchor this close to the line (normalised) is on it and changes no side, so jitter
/// on the line counts nothing</param>
public sealed record LineRule(string Name, Polyline Path)
{
    public IReadOnlyList<string> Objects { get; init; } = [];
    public double Hysteresis { get; init; } = 0.01;
    public double Weight { get; init; } = 0.3;
    public AnchorPoint? Anchor { get; init; }
}

public enum MaskKind { Motion, Object }

/// <summary>
/// An area to ignore: a motion mask hides its pixels from the motion gate (a clock overlay, a swaying tree); an
/// object mask drops detections whose anchor falls inside (a road beyond the fence), before tracking.
/// </summary>
/// <param name="Objects">object masks only: the labels dropped; empty: every label</param>
public sealed record MaskRule(string Name, MaskKind Kind, Polygon Area)
{
    public IReadOnlyList<string> Objects { get; init; } = [];
}

/// <summary>One camera's scene rules; coordinates are fractions of the frame (0..1, y down).</summary>
/// <param name="StationaryAfter">seconds without moving after which an object stops raising alerts (it stays counted)</param>
/// <param name="StationaryRadius">how far an object may sway and still be standing still, as a fraction of its box height</param>
public sealed record SceneRules(IReadOnlyList<ZoneRule> Zones, IReadOnlyList<LineRule> Lines, IReadOnlyList<MaskRule> Masks)
{
    public static readonly SceneRules None = new([], [], []);

    public AnchorPoint Anchor { get; init; } = AnchorPoint.BottomCenter;
    public double StationaryAfter { get; init; } = 30;
    public double StationaryRadius { get; init; } = 0.25;

    public bool IsEmpty => Zones.Count == 0 && Lines.Count == 0 && Masks.Count == 0;
    /// <summary>Whether anything follows objects (zones or lines); masks alone only filter.</summary>
    public bool FollowsObjects => Zones.Count > 0 || Lines.Count > 0;
    public IEnumerable<MaskRule> MotionMasks => Masks.Where(m => m.Kind == MaskKind.Motion);
    public IEnumerable<MaskRule> ObjectMasks => Masks.Where(m => m.Kind == MaskKind.Object);
}
