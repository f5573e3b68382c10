namespace StreamFusion.Inference.Preprocessing;

/// <summary>
/// How a frame becomes a square model input: scaled to fit (bilinear), placed top-left, the rest padded; optionally
/// blurred (Gaussian, as OpenCV's GaussianBlur) after scaling. The same rules as the CPU letterbox, so either path
/// gives the detector the same image.
/// </summary>
/// <param name="BlurKernel">odd Gaussian kernel size; 0: no blur</param>
/// <param name="BlurSigma">the Gaussian's sigma; 0: derived from the kernel size, as OpenCV does</param>
public sealed record LetterboxSpec(byte PadValue = 114, int BlurKernel = 0, double BlurSigma = 0)
{
    /// <summary>The frame's size once scaled into a <paramref name="size"/>² input, and the scale.</summary>
    public static (int Width, int Height, double Ratio) Fit(int width, int height, int size)
    {
        // In double, as YOLOX's own preprocessing: 432 * (416/768) truncates to 233 rows, not 234.
        var ratio = Math.Min(size / (double)height, size / (double)width);
        return (Math.Max(1, (int)(width * ratio)), Math.Max(1, (int)(height * ratio)), ratio);
    }

    /// <summary>OpenCV's getGaussianKernel: its fixed table for small kernels without a sigma, else sampled and normalised.</summary>
    public float[] GaussianKernel()
    {
        var n = BlurKernel;
        if (BlurSigma <= 0 && n is 1 or 3 or 5 or 7)
            return n switch
            {
                1 => [1f],
                3 => [0.25f, 0.5f, 0.25f],
                5 => [0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f],
                _ => [0.03125f, 0.109375f, 0.21875f, 0.28125f, 0.21875f, 0.109375f, 0.03125f],
            };
        var sigma = BlurSigma > 0 ? BlurSigma : ((n - 1) * 0.5 - 1) * 0.3 + 0.8;
        var weights = Enumerable.Range(0, n).Select(i => Math.Exp(-0.5 * Math.Pow(i - (n - 1) * 0.5, 2) / (sigma * sigma))).ToArray();
        var sum = weights.Sum();
        return [.. weights.Select(w => (float)(w / sum))];
    }
}

/// <summary>A request to letterbox a model's frames on its device: where the model lands on a GPU, or always (to verify the graph on a CPU).</summary>
public sealed record LetterboxOnDevice(LetterboxSpec Spec, bool EvenOnCpu);
