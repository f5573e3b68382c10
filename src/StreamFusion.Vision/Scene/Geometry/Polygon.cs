using System.Numerics;

namespace StreamFusion.Vision.Scene.Geometry;

/// <summary>A closed polygon in normalised frame coordinates (0..1, y down), at least three points.</summary>
public sealed class Polygon
{
    public Polygon(IReadOnlyList<Vector2> points)
    {
        if (points.Count < 3) throw new ArgumentException($"a polygon needs at least 3 points, got {points.Count}");
        Points = points;
    }

    public IReadOnlyList<Vector2> Points { get; }

    /// <summary>Even-odd rule: whether the point lies inside (points on an edge may fall either way).</summary>
    public bool Contains(Vector2 point)
    {
        var inside = false;
        for (int i = 0, j = Points.Count - 1; i < Points.Count; j = i++)
        {
            var (a, b) = (Points[i], Points[j]);
            if ((a.Y > point.Y) != (b.Y > point.Y) && point.X < (b.X - a.X) * (point.Y - a.Y) / (b.Y - a.Y) + a.X)
                inside = !inside;
        }
        return inside;
    }
}
