using OpenCvSharp;

namespace StreamFusion.Vision.Denoise;

/// <summary>
/// Applies the configured filter to a BGR image in place; scratch memory is kept between calls. The image may be
/// a region of a larger one (the letterbox canvas): its borders are reflected, not read from around the region.
/// </summary>
public sealed class Denoiser(DenoiseSettings settings) : IDisposable
{
    private const BorderTypes RegionBorder = BorderTypes.Reflect101 | BorderTypes.Isolated;
    private readonly Mat _scratch = new();

    public void Apply(Mat image)
    {
        switch (settings.Mode)
        {
            case DenoiseMode.Gaussian:
                var k = settings.Kernel | 1;
                Cv2.GaussianBlur(image, image, new Size(k, k), settings.Sigma, borderType: RegionBorder);
                break;
            case DenoiseMode.Bilateral:
                Cv2.BilateralFilter(image, _scratch, settings.Diameter, settings.SigmaColor, settings.SigmaSpace, RegionBorder);
                _scratch.CopyTo(image);
                break;
            case DenoiseMode.NlMeans:
                Cv2.FastNlMeansDenoisingColored(image, _scratch, settings.Strength, settings.Strength);
                _scratch.CopyTo(image);
                break;
        }
    }

    public void Dispose() => _scratch.Dispose();
}
