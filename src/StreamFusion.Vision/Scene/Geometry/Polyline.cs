using System.Numerics;

namespace StreamFusion.Vision.Scene.Geometry;

/// <summary>
/// An open polyline in normalised frame coordinates (0..1, y down), at least two points, with a drawn direction
/// from its first point to its last. Standing on the line looking along that direction, crossing from the left
/// hand to the right hand is "in"; on the screen, a line drawn left to right has its left side above it.
/// </summary>
public sealed class Polyline
{
    public Polyline(IReadOnlyList<Vector2> points)
    {
        if (points.Count < 2) throw new ArgumentException($"a line needs at least 2 points, got {points.Count}");
        Points = points;
    }

    public IReadOnlyList<Vector2> Points { get; }

    /// <summary>Shortest distance from the point to any segment.</summary>
    public float Distance(Vector2 point)
    {
        var best = float.MaxValue;
        for (var i = 0; i + 1 < Points.Count; i++)
        {
            var (a, b) = (Points[i], Points[i + 1]);
            var along = b - a;
            var t = along.LengthSquared() == 0 ? 0 : Math.Clamp(Vector2.Dot(point - a, along) / along.LengthSquared(), 0, 1);
            best = Math.Min(best, Vector2.Distance(point, a + t * along));
        }
        return best;
    }

    /// <summary>
    /// Crossings of the straight move from <paramref name="from"/> to <paramref name="to"/>: +1 for each segment
    /// crossed left to right ("in"), −1 right to left, summed. A move through a bend meets two segments at their
    /// shared end, and each counts half: through the bend from one side to the other is one crossing, grazing the
    /// corner and staying on the same side is none.
    /// </summary>
    public int Crossings(Vector2 from, Vector2 to)
    {
        const float EndBand = 1e-4f; // of a segment's length: float rounding puts a bend's exact hit just inside one segment or the other
        var halves = 0;
        var move = to - from;
        for (var i = 0; i + 1 < Points.Count; i++)
        {
            var (a, b) = (Points[i], Points[i + 1]);
            var along = b - a;
            var denominator = Cross(along, move);
            if (denominator == 0) continue; // parallel
            var offset = from - a;
            var t = Cross(offset, move) / denominator; // where on the segment
            var u = Cross(offset, along) / denominator; // where on the move
            if (t < -EndBand || t > 1 + EndBand || u < 0 || u > 1) continue;
            var weight = t <= EndBand || t >= 1 - EndBand ? 1 : 2;
            halves += denominator > 0 ? weight : -weight;
        }
        return halves / 2; // a lone half (through the line's very end) is no crossing
    }

    private static float Cross(Vector2 a, Vector2 b) => a.X * b.Y - a.Y * b.X;
}
