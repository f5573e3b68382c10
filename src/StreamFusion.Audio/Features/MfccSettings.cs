namespace StreamFusion.Audio.Features;

/// <summary>
/// MFCC parameters; the defaults are Kaldi's (and torchaudio.compliance.kaldi.mfcc's with dither 0): 25 ms frames
/// every 10 ms, DC removal, pre-emphasis 0.97, Povey window, FFT padded to a power of two, 23 triangular mel bins
/// from 20 Hz to Nyquist on power spectra, natural log floored at float epsilon, orthonormal DCT-II keeping
/// 13 cepstra, sinusoidal lifter 22.
/// </summary>
public sealed record MfccSettings
{
    public int SampleRate { get; init; } = 16000;
    public double FrameLengthMs { get; init; } = 25;
    public double FrameShiftMs { get; init; } = 10;
    public float PreEmphasis { get; init; } = 0.97f;
    public int MelBins { get; init; } = 23;
    public int Cepstra { get; init; } = 13;
    public float LowFrequency { get; init; } = 20;
    /// <summary>0 = Nyquist; negative = that many Hz below Nyquist.</summary>
    public float HighFrequency { get; init; }
    public float Lifter { get; init; } = 22;
    public bool RemoveDcOffset { get; init; } = true;

    public int FrameLength => (int)(SampleRate * FrameLengthMs / 1000);
    public int FrameShift => (int)(SampleRate * FrameShiftMs / 1000);
    public int FftSize => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)FrameLength);

    /// <summary>Index of the first mel bin whose centre lies at or above <paramref name="hz"/>.</summary>
    public int FirstMelBinAbove(double hz)
    {
        static double Mel(double f) => 1127.0 * Math.Log(1 + f / 700.0);
        var high = HighFrequency > 0 ? HighFrequency : SampleRate / 2.0 + HighFrequency;
        var delta = (Mel(high) - Mel(LowFrequency)) / (MelBins + 1);
        for (var m = 0; m < MelBins; m++)
            if (Mel(LowFrequency) + (m + 1) * delta >= Mel(hz)) return m;
        return MelBins;
    }
}
