using System.Numerics;
using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Scene;

/// <summary>A tracked object as the rules see it: its box normalised to the frame, and when its track first appeared.</summary>
internal readonly record struct SceneObject(int Track, string Label, float Score, BoundingBox Box, double FirstSeen)
{
    public Vector2 AnchorAt(AnchorPoint anchor) => anchor.Of(Box);

    public static bool Counts(IReadOnlyList<string> labels, string label) =>
        labels.Count == 0 || labels.Any(l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));
}
