namespace StreamFusion.Vision.Detection;

/// <summary>Greedy class-aware NMS: within each class, keep the best box and drop those overlapping it too much.</summary>
public static class NonMaximumSuppression
{
    public static List<DetectedObject> Apply(List<DetectedObject> candidates, float iouThreshold)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<DetectedObject>();
        foreach (var candidate in candidates)
        {
            var suppressed = false;
            foreach (var keeper in kept)
            {
                if (keeper.ClassId == candidate.ClassId && keeper.Box.IntersectionOverUnion(candidate.Box) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) kept.Add(candidate);
        }
        return kept;
    }
}
