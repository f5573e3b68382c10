using StreamFusion.Audio.Events;
using StreamFusion.Audio.Sounds;
using StreamFusion.Audio.Vad;

namespace StreamFusion.Audio.Stage;

/// <summary>
/// What was heard in one window of the media clock: loudness, speech probability (the highest of its 32 ms VAD
/// chunks) and fraction, MFCC statistics, and the events and speech segments that closed during it (each with its
/// own start and end, which may lie in earlier windows). The fusion stage joins these with video and transcript.
/// </summary>
public sealed record AudioWindow(
    double Start, double End, float RmsDb, float PeakDb, float SpeechProbability, float SpeechFraction,
    float[] MfccMean, float[] MfccStd, IReadOnlyList<AcousticEvent> Events, IReadOnlyList<SpeechSegment> Speech)
{
    /// <summary>Utterances cut for a speech recogniser since the last window (only with <see cref="AudioSettings.CutUtterances"/>).</summary>
    public IReadOnlyList<SpeechClip> Utterances { get; init; } = [];

    /// <summary>
    /// Media time before which every utterance has been cut and carried by this or an earlier window; the speech
    /// still being heard began there. Infinite when utterances are not cut.
    /// </summary>
    public double SpeechSettledBefore { get; init; } = double.PositiveInfinity;

    /// <summary>The tagger's sound events reported since the last window: sounds that started (lasted their minimum) or ended.</summary>
    public IReadOnlyList<SoundEvent> Sounds { get; init; } = [];

    /// <summary>The tagger's windows that ended in this window: their top labels (and embeddings when asked for).</summary>
    public IReadOnlyList<SoundTagging> Tags { get; init; } = [];
}
