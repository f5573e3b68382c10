namespace StreamFusion.Core.Stages;

/// <summary>What an edge does when its consumer falls behind and the queue is full.</summary>
public enum EdgePolicy
{
    /// <summary>The producer waits: lossless, for replay.</summary>
    Wait,

    /// <summary>The oldest queued item is dropped (and disposed): fresh data, bounded latency, for live.</summary>
    DropOldest,
}

public static class EdgePolicyNames
{
    public static string Name(EdgePolicy policy) => policy == EdgePolicy.Wait ? "wait" : "drop-oldest";

    public static bool TryParse(string? text, out EdgePolicy policy)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "wait": policy = EdgePolicy.Wait; return true;
            case "drop-oldest": policy = EdgePolicy.DropOldest; return true;
            default: policy = default; return false;
        }
    }
}
