using OpenCvSharp;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Evidence;

/// <summary>A kept frame as a JPEG: its boxes and labels (and the camera's zones and lines) drawn, scaled down to a width.</summary>
public static class SnapshotRenderer
{
    /// <param name="maxWidth">0: the frame's own size</param>
    public static byte[] Jpeg(KeptFrame frame, SceneRules rules, int maxWidth, int quality)
    {
        using var image = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Bgr).Clone();
        var objects = frame.Objects.Select(o => new TrackedObject(o, 0, TrackState.Confirmed)).ToList();
        SceneOverlay.Draw(image, rules, new FrameAnalysis(-1, frame.Pts, frame.Width, frame.Height, objects, []));
        using var scaled = maxWidth > 0 && image.Width > maxWidth ? image.Resize(new Size(maxWidth, (int)Math.Round(image.Height * (double)maxWidth / image.Width)), 0, 0, InterpolationFlags.Area) : image.Clone();
        Cv2.ImEncode(".jpg", scaled, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg;
    }
}
