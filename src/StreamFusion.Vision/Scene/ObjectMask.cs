using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Scene;

/// <summary>Object masks: detections whose anchor falls inside one (for its labels) are dropped before tracking.</summary>
public sealed class ObjectMask(SceneRules rules)
{
    private readonly MaskRule[] _masks = rules.ObjectMasks.ToArray();

    public bool IsEmpty => _masks.Length == 0;

    public List<DetectedObject> Filter(List<DetectedObject> detections, int width, int height)
    {
        if (_masks.Length == 0) return detections;
        return detections.Where(d =>
        {
            var anchor = rules.Anchor.Of(d.Box.Normalize(width, height));
            return !_masks.Any(m => SceneObject.Counts(m.Objects, d.Label) && m.Area.Contains(anchor));
        }).ToList();
    }
}
