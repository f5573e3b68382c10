namespace StreamFusion.Audio.Sounds;

/// <summary>An AudioSet label and the model's probability for it.</summary>
public sealed record LabelScore(string Label, float Score);

/// <summary>
/// A sound of interest heard over consecutive windows: when (the span of those windows, so it lies within it),
/// its highest score, the AudioSet labels that scored highest meanwhile, and what its class weighs in fusion.
/// </summary>
public sealed record SoundEvent(string Kind, double Start, double End, float Score, IReadOnlyList<LabelScore> Labels, double Weight);

/// <summary>One tagged window: its top AudioSet labels and, when asked for, the model's embedding.</summary>
public sealed record SoundTagging(double Start, double End, IReadOnlyList<LabelScore> Top, float[]? Embedding);
