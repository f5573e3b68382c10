namespace StreamFusion.Media.Items;

/// <summary>A text subtitle cue from a stream inside the media, shown from <see cref="MediaItem.Pts"/> to <see cref="End"/>.</summary>
public sealed class SubtitleCue : MediaItem
{
    public SubtitleCue(double start, double end, string text)
    {
        Pts = start;
        End = end;
        Text = text;
    }

    public override MediaKind Kind => MediaKind.Subtitle;
    public double End { get; internal set; }
    public string Text { get; }
}
