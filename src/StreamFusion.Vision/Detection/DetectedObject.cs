namespace StreamFusion.Vision.Detection;

/// <summary>One detected object in original frame pixels.</summary>
public sealed record DetectedObject(int ClassId, string Label, float Score, BoundingBox Box)
{
    /// <summary>An appearance vector (L2-normalised) when embeddings are enabled.</summary>
    public float[]? Embedding { get; set; }
}
