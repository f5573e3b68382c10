namespace StreamFusion.Audio.Sounds;

/// <summary>An AudioSet label and the model's probability for it.</summary>
public sealed record LabelScore(string Label, float Score);

/// <summary>
/// A sound of interest heard over consecutive windows: when (the span of those windows, so it lies within it),
/// its highest score, the AudioSet labels that scored highest meanwhile, and what its class weighs in fusion.
/// Each sound is reported twice: <see cref="Started"/> as soon as it has lasted its class's minimum duration (a
/// siren is known while it sounds, not when it stops), then <see cref="Ended"/> with its whole span.
/// </summary>
public sealed record SoundEvent(string Kind, string State, double Start, double End, float Score, IReadOnlyList<LabelScore> Labels, double Weight)
{
    public const string Started = "start", Ended = "end";
}

/// <summary>One tagged window: its top AudioSet labels and, when asked for, the model's embedding.</summary>
public sealed record SoundTagging(double Start, double End, IReadOnlyList<LabelScore> Top, float[]? Embedding);
