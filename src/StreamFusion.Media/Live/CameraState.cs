namespace StreamFusion.Media.Live;

/// <summary>Where a camera's source stands; logged on every change and exported as a metric.</summary>
public enum CameraState
{
    Connecting,
    Live,
    Stalled,
    BackingOff,
    Ended,
    Failed,
}

public static class CameraStateNames
{
    public static string Name(this CameraState state) => state switch
    {
        CameraState.BackingOff => "backing-off",
        _ => state.ToString().ToLowerInvariant(),
    };
}
