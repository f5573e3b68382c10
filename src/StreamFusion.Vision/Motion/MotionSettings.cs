using StreamFusion.Vision.Scene.Geometry;

namespace StreamFusion.Vision.Motion;

/// <summary>When to run the detector on a frame.</summary>
/// <param name="DetectFps">cap on analysed frames per second (0 = every frame)</param>
/// <param name="MotionGating">skip frames that barely differ from the last analysed one</param>
/// <param name="PixelThreshold">grey-level difference (0-255) that counts a pixel as changed</param>
/// <param name="MinChangedFraction">fraction of changed pixels that counts as motion</param>
/// <param name="MaxSkip">analyse at least this often even without motion, so slow changes are still seen</param>
public sealed record MotionSettings(double DetectFps = 0, bool MotionGating = true, int PixelThreshold = 25,
    double MinChangedFraction = 0.002, double MaxSkip = 2.0)
{
    public static readonly MotionSettings EveryFrame = new(MotionGating: false);

    /// <summary>Areas whose changes are not motion (a clock overlay, a swaying tree), from the scene rules' motion masks.</summary>
    public IReadOnlyList<Polygon> Masks { get; init; } = [];
}
