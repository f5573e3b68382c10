using System.Numerics;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Scene;

/// <summary>The point of a box that stands for the object in zones and at lines.</summary>
public enum AnchorPoint { BottomCenter, Center, TopCenter }

public static class AnchorPoints
{
    public const string Names = "bottom-center, center or top-center";

    /// <summary>The anchor of a box given in normalised coordinates.</summary>
    public static Vector2 Of(this AnchorPoint anchor, BoundingBox normalised) => anchor switch
    {
        AnchorPoint.Center => new(normalised.CenterX, normalised.CenterY),
        AnchorPoint.TopCenter => new(normalised.CenterX, normalised.Y),
        _ => new(normalised.CenterX, normalised.Y + normalised.Height), // where the object stands
    };

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
