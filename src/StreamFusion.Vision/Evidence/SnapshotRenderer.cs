using OpenCvSharp;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Vision.Evidence;

/// <summary>A kept frame as JPEGs: with its boxes, labels and track ids (and the camera's zones and lines) drawn, clean, or cropped per object.</summary>
public static class SnapshotRenderer
{
    /// <param name="maxWidth">0: the frame's own size</param>
    /// <param name="overlay">false: the frame as the camera saw it</param>
    public static byte[] Jpeg(KeptFrame frame, SceneRules rules, int maxWidth, int quality, bool overlay = true)
    {
        using var image = Pixels(frame);
        if (overlay)
        {
            var objects = frame.Objects.Select((o, i) => new TrackedObject(o, frame.TrackIds[i], TrackState.Confirmed)).ToList();
            SceneOverlay.Draw(image, rules, new FrameAnalysis(-1, frame.Pts, frame.Width, frame.Height, objects, []));
        }
        using var scaled = maxWidth > 0 && image.Width > maxWidth ? image.Resize(new Size(maxWidth, (int)Math.Round(image.Height * (double)maxWidth / image.Width)), 0, 0, InterpolationFlags.Area) : image.Clone();
        return Encode(scaled, quality);
    }

    /// <summary>Each detected object cut out at full resolution with a tenth of its size around it, in the frame's object order.</summary>
    public static List<byte[]> Crops(KeptFrame frame, int quality)
    {
        using var image = Pixels(frame);
        var crops = new List<byte[]>();
        foreach (var o in frame.Objects)
        {
            var (padX, padY) = (o.Box.Width / 10, o.Box.Height / 10);
            var left = (int)Math.Clamp(o.Box.X - padX, 0, frame.Width - 1);
            var top = (int)Math.Clamp(o.Box.Y - padY, 0, frame.Height - 1);
            var right = (int)Math.Clamp(o.Box.X + o.Box.Width + padX, left + 1, frame.Width);
            var bottom = (int)Math.Clamp(o.Box.Y + o.Box.Height + padY, top + 1, frame.Height);
            using var crop = new Mat(image, new Rect(left, top, right - left, bottom - top));
            crops.Add(Encode(crop, quality));
        }
        return crops;
    }

    private static Mat Pixels(KeptFrame frame)
    {
        var image = new Mat(frame.Height, frame.Width, MatType.CV_8UC3);
        frame.Bgr.CopyTo(image.AsSpan<byte>());
        return image;
    }

    private static byte[] Encode(Mat image, int quality)
    {
        Cv2.ImEncode(".jpg", image, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg;
    }
}
