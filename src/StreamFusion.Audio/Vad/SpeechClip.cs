namespace StreamFusion.Audio.Vad;

/// <summary>One utterance's audio, cut out for a speech recogniser: mono samples at the analysis rate from <see cref="Start"/> (media time).</summary>
public sealed record SpeechClip(double Start, float[] Samples, int SampleRate)
{
    public double End => Start + Samples.Length / (double)SampleRate;
}
