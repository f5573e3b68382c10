using StreamFusion.Audio.Denoise;
using StreamFusion.Audio.Events;
using StreamFusion.Audio.Features;
using StreamFusion.Audio.Sounds;
using StreamFusion.Inference;

namespace StreamFusion.Audio.Stage;

/// <param name="VadModelPath">Silero VAD model; null uses the energy fallback</param>
/// <param name="WindowSeconds">length of the summary windows, aligned to multiples on the media clock</param>
public sealed record AudioSettings(string? VadModelPath, OnnxSettings Onnx, double WindowSeconds = 1.0)
{
    public MfccSettings Mfcc { get; init; } = new();
    /// <summary>Where MFCC is computed (<see cref="Features.Gpu.MfccDevices"/>): auto (a CUDA GPU when there is one), cpu or cuda[:N].</summary>
    public InferenceDevice MfccDevice { get; init; } = InferenceDevice.Auto;
    public EventSettings Events { get; init; } = new();
    /// <summary>Off by default: measured +6.3 dB SNR on speech in white noise, but it changes the MFCCs.</summary>
    public AudioDenoiseSettings Denoise { get; init; } = new();
    /// <summary>Cut the utterances voice activity finds out of the audio, for a speech recogniser (needs a VAD).</summary>
    public bool CutUtterances { get; init; }
    /// <summary>The AudioSet sound tagger; null: off.</summary>
    public SoundSettings? Sounds { get; init; }
}
