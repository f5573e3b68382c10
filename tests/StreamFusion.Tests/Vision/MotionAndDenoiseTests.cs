using OpenCvSharp;
using StreamFusion.Vision.Denoise;
using StreamFusion.Vision.Motion;

namespace StreamFusion.Tests.Vision;

public class MotionAndDenoiseTests
{
    private static byte[] Frame(byte shade, int width = 320, int height = 240, int squareAt = -1)
    {
        var pixels = Enumerable.Repeat(shade, width * height * 3).ToArray();
        if (squareAt >= 0)
            for (var y = 100; y < 160; y++)
                for (var x = squareAt; x < squareAt + 60; x++)
                    pixels[(y * width + x) * 3] = pixels[(y * width + x) * 3 + 1] = pixels[(y * width + x) * 3 + 2] = 255;
        return pixels;
    }

    [Fact]
    public void Static_frames_are_skipped_until_something_moves_or_the_max_skip_passes()
    {
        using var gate = new MotionGate(new MotionSettings(MaxSkip: 2.0));
        var still = Frame(60, squareAt: 20);
        var moved = Frame(60, squareAt: 120);

        var decisions = new[]
        {
            gate.Decide(still, 320, 240, 0.0),
            gate.Decide(still, 320, 240, 0.5),
            gate.Decide(still, 320, 240, 1.0),
            gate.Decide(moved, 320, 240, 1.5),
            gate.Decide(moved, 320, 240, 2.0),
            gate.Decide(moved, 320, 240, 3.6),
        };

        Assert.Equal([GateDecision.Analyze, GateDecision.SkipStatic, GateDecision.SkipStatic, GateDecision.Analyze, GateDecision.SkipStatic, GateDecision.Analyze], decisions);
        Assert.Equal((3, 3), (gate.Analyzed, gate.SkippedStatic));
    }

    [Theory]
    [InlineData(25.0, 50)]
    [InlineData(12.5, 50)] // not a multiple of 5: every 2nd or 3rd frame, still 5 a second
    [InlineData(10.0, 50)]
    [InlineData(3.0, 30)]  // slower than the cap: every frame
    public void Detect_fps_caps_the_analysed_rate_at_any_source_rate(double sourceFps, int expected)
    {
        using var gate = new MotionGate(new MotionSettings(DetectFps: 5, MotionGating: false));
        var frame = Frame(10);

        var analysed = Enumerable.Range(0, (int)(10 * sourceFps)).Count(i => gate.Decide(frame, 320, 240, i / sourceFps) == GateDecision.Analyze);

        Assert.Equal(expected, analysed); // over 10 s
    }

    [Theory]
    [InlineData(DenoiseMode.Gaussian)]
    [InlineData(DenoiseMode.Bilateral)]
    [InlineData(DenoiseMode.NlMeans)]
    public void Denoising_a_noisy_camera_frame_brings_it_closer_to_the_clean_one(DenoiseMode mode)
    {
        using var frame = VisionTestSupport.Frame("vtest_480x360.avi", 100);
        using var clean = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels.ToArray());
        using var noise = new Mat(clean.Size(), MatType.CV_16SC3);
        Cv2.Randn(noise, Scalar.All(0), Scalar.All(20));
        using var noisy = new Mat();
        using (var wide = new Mat())
        {
            clean.ConvertTo(wide, MatType.CV_16SC3);
            Cv2.Add(wide, noise, wide);
            wide.ConvertTo(noisy, MatType.CV_8UC3);
        }
        var before = Cv2.PSNR(noisy, clean);

        using var denoiser = new Denoiser(new DenoiseSettings(mode));
        denoiser.Apply(noisy);

        Assert.True(Cv2.PSNR(noisy, clean) > before + 2, $"{mode}: PSNR {before:F1} dB → {Cv2.PSNR(noisy, clean):F1} dB");
    }
}
