using System.Numerics;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Scene;

/// <summary>The point of a box that stands for the object in zones and at lines.</summary>
public enum AnchorPoint { BottomCenter, Center, TopCenter }

public static class AnchorPoints
{
    public const string Names = "bottom-center, center or top-center";

    /// <summary>
    /// The anchor of a box given in normalised coordinates. It is kept just inside the frame: a box cut off by the
    /// frame's bottom edge stands at y = 1, which would be on the edge of (and so outside) a zone drawn to that edge.
    /// </summary>
    public static Vector2 Of(this AnchorPoint anchor, BoundingBox normalised)
    {
        var point = anchor switch
        {
            AnchorPoint.Center => new Vector2(normalised.CenterX, normalised.CenterY),
            AnchorPoint.TopCenter => new Vector2(normalised.CenterX, normalised.Y),
            _ => new Vector2(normalised.CenterX, normalised.Y + normalised.Height), // where the object stands
        };
        return Vector2.Clamp(point, new Vector2(InsideEdge), new Vector2(1 - InsideEdge));
    }

    private const float InsideEdge = 1e-4f;

    public static bool TryParse(string text, out AnchorPoint anchor)
    {
        (var known, anchor) = text.Trim().ToLowerInvariant().Replace('_', '-') switch
        {
            "bottom-center" or "bottom" => (true, AnchorPoint.BottomCenter),
            "center" or "centre" => (true, AnchorPoint.Center),
            "top-center" or "top" => (true, AnchorPoint.TopCenter),
            _ => (false, AnchorPoint.BottomCenter),
        };
        return known;
    }
}
