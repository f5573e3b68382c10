using OpenCvSharp;
using StreamFusion.Vision.Scene.Geometry;

namespace StreamFusion.Vision.Motion;

public enum GateDecision { Analyze, SkipRate, SkipStatic }

/// <summary>
/// Decides per frame whether inference is worth running: at most DetectFps frames per second, and only when a
/// small grey thumbnail differs from the last analysed one (or MaxSkip seconds have passed). Comparing with the
/// last analysed frame, not the previous one, lets slow changes accumulate until they count. Pixels under motion masks
/// are not compared: the fraction is of the unmasked area.
/// </summary>
public sealed unsafe class MotionGate(MotionSettings settings) : IDisposable
{
    private const int ThumbnailWidth = 160;
    private readonly Mat _thumbnail = new();
    private readonly Mat _grey = new();
    private readonly Mat _reference = new();
    private readonly Mat _difference = new();
    private readonly Mat _unmasked = new(); // 255 where motion counts, at the thumbnail's size; empty without masks
    private int _unmaskedPixels;
    private double _lastAnalyzed = double.NegativeInfinity;

    public long Analyzed { get; private set; }
    public long SkippedStatic { get; private set; }

    public GateDecision Decide(ReadOnlySpan<byte> bgr, int width, int height, double pts)
    {
        // One frame per 1/detect_fps slot of media time: a 12.5 fps camera at 5 detections/s gets every 2nd or 3rd
        // frame, 5 a second on average (a minimum gap of 0.2 s would take every 3rd: 4.2 a second).
        if (settings.DetectFps > 0 && Slot(pts) <= Slot(_lastAnalyzed))
            return GateDecision.SkipRate;
        if (settings.MotionGating)
        {
            fixed (byte* pixels = bgr)
            {
                using var frame = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)pixels, width * 3);
                var thumbnailHeight = Math.Max(1, height * ThumbnailWidth / width);
                Cv2.Resize(frame, _thumbnail, new Size(ThumbnailWidth, thumbnailHeight), 0, 0, InterpolationFlags.Area);
                Cv2.CvtColor(_thumbnail, _grey, ColorConversionCodes.BGR2GRAY);
            }
            if (settings.Masks.Count > 0 && _unmasked.Size() != _grey.Size()) DrawMasks(_grey.Size());
            var moved = _reference.Empty() || _reference.Size() != _grey.Size() || ChangedFraction() >= settings.MinChangedFraction;
            if (!moved && pts - _lastAnalyzed < settings.MaxSkip)
            {
                SkippedStatic++;
                return GateDecision.SkipStatic;
            }
            _grey.CopyTo(_reference);
        }
        _lastAnalyzed = pts;
        Analyzed++;
        return GateDecision.Analyze;
    }

    private double Slot(double pts) => Math.Floor(pts * settings.DetectFps + 1e-6);

    private double ChangedFraction()
    {
        Cv2.Absdiff(_grey, _reference, _difference);
        Cv2.Threshold(_difference, _difference, settings.PixelThreshold, 255, ThresholdTypes.Binary);
        if (_unmasked.Empty()) return Cv2.CountNonZero(_difference) / (double)(_difference.Rows * _difference.Cols);
        Cv2.BitwiseAnd(_difference, _unmasked, _difference);
        return _unmaskedPixels == 0 ? 0 : Cv2.CountNonZero(_difference) / (double)_unmaskedPixels;
    }

    private void DrawMasks(Size size)
    {
        _unmasked.Create(size, MatType.CV_8UC1);
        _unmasked.SetTo(Scalar.All(255));
        var polygons = settings.Masks.Select(m => m.Points.Select(p => new Point(p.X * size.Width, p.Y * size.Height)).ToArray()).ToArray();
        Cv2.FillPoly(_unmasked, polygons, Scalar.All(0));
        _unmaskedPixels = Cv2.CountNonZero(_unmasked);
    }

    public void Dispose()
    {
        _thumbnail.Dispose();
        _grey.Dispose();
        _reference.Dispose();
        _difference.Dispose();
        _unmasked.Dispose();
    }
}
