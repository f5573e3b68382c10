namespace StreamFusion.Vision.Detection;

/// <summary>An axis-aligned box in pixels: top-left corner, width, height.</summary>
public readonly record struct BoundingBox(float X, float Y, float Width, float Height)
{
    public float Area => Width * Height;
    public float CenterX => X + Width / 2;
    public float CenterY => Y + Height / 2;

    public static BoundingBox FromCenter(float cx, float cy, float width, float height) => new(cx - width / 2, cy - height / 2, width, height);

    public float IntersectionOverUnion(BoundingBox other)
    {
        var left = Math.Max(X, other.X);
        var top = Math.Max(Y, other.Y);
        var right = Math.Min(X + Width, other.X + other.Width);
        var bottom = Math.Min(Y + Height, other.Y + other.Height);
        var intersection = Math.Max(0, right - left) * Math.Max(0, bottom - top);
        var union = Area + other.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    public BoundingBox ClipTo(int width, int height)
    {
        var left = Math.Clamp(X, 0, width);
        var top = Math.Clamp(Y, 0, height);
        return new BoundingBox(left, top, Math.Clamp(X + Width, 0, width) - left, Math.Clamp(Y + Height, 0, height) - top);
    }

    /// <summary>[x, y, w, h] as fractions of the frame size.</summary>
    public BoundingBox Normalize(int width, int height) => new(X / width, Y / height, Width / width, Height / height);
}
