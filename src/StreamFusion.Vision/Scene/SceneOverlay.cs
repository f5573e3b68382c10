using OpenCvSharp;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// Draws scene rules over a frame, named, so coordinates can be checked by eye: zones as outlined, lightly filled
/// polygons in their own colours, lines with an arrow to the side that counts as "in", masks hatched in grey;
/// with an analysis, the objects' boxes with label, track id and score.
/// </summary>
public static class SceneOverlay
{
    /// <summary>Zone outline colours (BGR), by the zone's index, repeating.</summary>
    public static readonly Scalar[] ZoneColors = [new(0, 200, 255), new(255, 128, 0), new(200, 0, 255), new(0, 255, 128), new(255, 0, 128), new(128, 255, 255)];
    public static readonly Scalar LineColor = new(0, 255, 255);
    public static readonly Scalar MaskColor = new(128, 128, 128);
    public static readonly Scalar BoxColor = new(0, 255, 0);
    public const int Thickness = 2;

    public static void Draw(Mat bgr, SceneRules rules, FrameAnalysis? analysis = null)
    {
        var (width, height) = (bgr.Width, bgr.Height);
        if (analysis is not null) DrawObjects(bgr, analysis); // under the rules, which are what is being checked
        foreach (var mask in rules.Masks) DrawMask(bgr, mask, width, height);
        for (var i = 0; i < rules.Zones.Count; i++) DrawZone(bgr, rules.Zones[i], ZoneColors[i % ZoneColors.Length], width, height);
        foreach (var line in rules.Lines) DrawLine(bgr, line, width, height);
    }

    private static void DrawZone(Mat bgr, ZoneRule zone, Scalar color, int width, int height)
    {
        var points = Pixels(zone.Area.Points, width, height);
        Blend(bgr, overlay => Cv2.FillPoly(overlay, [points], color), 0.2);
        Cv2.Polylines(bgr, [points], isClosed: true, color, Thickness, LineTypes.Link8);
        Label(bgr, zone.Name, Centroid(points), color);
    }

    private static void DrawLine(Mat bgr, LineRule line, int width, int height)
    {
        var points = Pixels(line.Path.Points, width, height);
        Cv2.Polylines(bgr, [points], isClosed: false, LineColor, Thickness + 1, LineTypes.Link8);
        // An arrow from the middle of each segment towards its right-hand side: the way "in" goes.
        for (var i = 0; i + 1 < points.Length; i++)
        {
            var (a, b) = (points[i], points[i + 1]);
            var middle = new Point((a.X + b.X) / 2, (a.Y + b.Y) / 2);
            var (dx, dy) = (b.X - a.X, b.Y - a.Y);
            var length = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
            var reach = Math.Max(16, Math.Min(width, height) / 8.0);
            var tip = new Point(middle.X - dy / length * reach, middle.Y + dx / length * reach); // right of the direction, y down
            Cv2.ArrowedLine(bgr, middle, tip, LineColor, Thickness, LineTypes.AntiAlias, tipLength: 0.35);
            if (i == 0) Label(bgr, $"{line.Name}: in", new Point(tip.X - dy / length * reach * 0.6, tip.Y + dx / length * reach * 0.6), LineColor);
        }
    }

    private static void DrawMask(Mat bgr, MaskRule mask, int width, int height)
    {
        var points = Pixels(mask.Area.Points, width, height);
        Blend(bgr, overlay =>
        {
            using var area = new Mat(bgr.Size(), MatType.CV_8UC1, Scalar.All(0));
            Cv2.FillPoly(area, [points], Scalar.All(255));
            using var hatch = new Mat(bgr.Size(), MatType.CV_8UC3, Scalar.All(0));
            for (var x = -height; x < width; x += 12) Cv2.Line(hatch, new Point(x, height), new Point(x + height, 0), MaskColor, 2);
            hatch.CopyTo(overlay, area);
        }, 0.5);
        Cv2.Polylines(bgr, [points], isClosed: true, MaskColor, Thickness, LineTypes.Link8);
        Label(bgr, $"{mask.Name} ({(mask.Kind == MaskKind.Motion ? "motion" : "object")} mask)", Centroid(points), MaskColor);
    }

    private static void DrawObjects(Mat bgr, FrameAnalysis analysis)
    {
        foreach (var o in analysis.Objects)
        {
            var box = o.Detection.Box;
            var rect = new Rect((int)box.X, (int)box.Y, Math.Max(1, (int)box.Width), Math.Max(1, (int)box.Height));
            Cv2.Rectangle(bgr, rect, BoxColor, Thickness);
            var track = o.TrackId > 0 ? FormattableString.Invariant($" #{o.TrackId}") : ""; // 0: not tracked (a snapshot's raw detections)
            Label(bgr, FormattableString.Invariant($"{o.Detection.Label}{track} {o.Detection.Score:F2}"), new Point(rect.X, Math.Max(12, rect.Y - 4)), BoxColor, centred: false, small: true);
        }
    }

    /// <summary>Draws into a copy and mixes it back, for translucent fills.</summary>
    private static void Blend(Mat bgr, Action<Mat> draw, double opacity)
    {
        using var overlay = bgr.Clone();
        draw(overlay);
        Cv2.AddWeighted(overlay, opacity, bgr, 1 - opacity, 0, bgr);
    }

    private static void Label(Mat bgr, string text, Point at, Scalar color, bool centred = true, bool small = false)
    {
        var scale = Math.Max(0.35, bgr.Height / 720.0) * (small ? 0.8 : 1);
        var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, scale, 1, out var baseline);
        var origin = centred ? new Point(at.X - size.Width / 2, at.Y + size.Height / 2) : at;
        origin = new Point(Math.Clamp(origin.X, 0, Math.Max(0, bgr.Width - size.Width)), Math.Clamp(origin.Y, size.Height, bgr.Height - baseline));
        Cv2.Rectangle(bgr, new Rect(origin.X - 2, origin.Y - size.Height - 2, size.Width + 4, size.Height + baseline + 4), Scalar.All(0), -1);
        Cv2.PutText(bgr, text, origin, HersheyFonts.HersheySimplex, scale, color, 1, LineTypes.AntiAlias);
    }

    /// <summary>Normalised points to pixels; 1.0 lands on the last pixel, not past it.</summary>
    public static Point[] Pixels(IReadOnlyList<System.Numerics.Vector2> points, int width, int height) =>
        points.Select(p => new Point((int)Math.Round(p.X * (width - 1)), (int)Math.Round(p.Y * (height - 1)))).ToArray();

    private static Point Centroid(Point[] points) => new((int)points.Average(p => p.X), (int)points.Average(p => p.Y));
}
