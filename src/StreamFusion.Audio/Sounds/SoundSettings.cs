using StreamFusion.Inference;

namespace StreamFusion.Audio.Sounds;

/// <summary>A named sound event: the AudioSet labels it stands for, the score that raises it, and what it weighs.</summary>
/// <param name="Threshold">a window whose highest probability among the labels reaches this raises the event</param>
/// <param name="MinDuration">seconds the event must last (its windows' span) to be reported: one window spans a whole
/// window (3 s by default), so a minimum longer than that asks for the sound in consecutive windows</param>
public sealed record SoundClass(string Name, IReadOnlyList<string> Labels, double Threshold, double MinDuration, double Weight);

/// <summary>The sound tagger: an AudioSet model over sliding windows of the camera's audio.</summary>
/// <param name="WindowSeconds">audio per model run: the model was trained on 10 s clips; 1 s is too short to be sure</param>
/// <param name="HopSeconds">a window starts every hop, on the media clock</param>
/// <param name="MinDbfs">windows quieter than this are not tagged: silent cameras cost nothing</param>
/// <param name="TopLabels">AudioSet labels reported with each event and window</param>
/// <param name="Embedding">carry the model's window embedding in the audio windows</param>
public sealed record SoundSettings(string ModelPath, string LabelsPath, double WindowSeconds = 3, double HopSeconds = 1, double MinDbfs = -50, int TopLabels = 3,
    bool Embedding = false)
{
    public IReadOnlyList<SoundClass> Classes { get; init; } = Surveillance;
    /// <summary>Where the tagger runs: a GPU provider when present by default (voice activity stays on the CPU).</summary>
    public OnnxSettings Onnx { get; init; } = new();

    /// <summary>
    /// What a surveillance camera listens for; thresholds measured on the sample sounds (README "Sounds"). Sirens,
    /// alarms and crowds go on: they must be heard in two consecutive windows (4 s with the default 3 s window).
    /// </summary>
    public static readonly IReadOnlyList<SoundClass> Surveillance =
    [
        new("gunshot", ["Gunshot, gunfire", "Machine gun", "Cap gun", "Artillery fire"], 0.3, 0, 0.6),
        new("explosion", ["Explosion", "Burst, pop", "Boom"], 0.3, 0, 0.5),
        new("glass", ["Glass", "Shatter"], 0.3, 0, 0.5),
        new("scream", ["Screaming", "Yell", "Shout"], 0.3, 0, 0.5),
        new("siren", ["Siren", "Police car (siren)", "Ambulance (siren)", "Fire engine, fire truck (siren)", "Civil defense siren"], 0.3, 4, 0.3),
        new("alarm", ["Alarm", "Smoke detector, smoke alarm", "Fire alarm", "Car alarm", "Buzzer"], 0.3, 4, 0.4),
        new("dog", ["Dog", "Bark", "Growling"], 0.3, 0, 0.2),
        new("horn", ["Vehicle horn, car horn, honking", "Air horn, truck horn"], 0.3, 0, 0.2),
        new("crowd", ["Crowd", "Cheering", "Hubbub, speech noise, speech babble"], 0.3, 4, 0.1),
    ];
}
