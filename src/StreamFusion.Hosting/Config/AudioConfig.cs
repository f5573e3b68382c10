using StreamFusion.Audio.Denoise;
using StreamFusion.Audio.Events;
using StreamFusion.Audio.Features;
using StreamFusion.Audio.Stage;
using StreamFusion.Core.Assets;
using StreamFusion.Inference;

namespace StreamFusion.Hosting.Config;

/// <summary>The audio settings as written in a pipeline file; the VAD model may be an "asset:" name or "none".</summary>
public sealed record AudioConfig
{
    public const string DefaultVadModel = "asset:models/silero_vad.onnx";

    public bool Enabled { get; init; }
    public string VadModel { get; init; } = DefaultVadModel;
    public double WindowSeconds { get; init; } = 1.0;
    public MfccSettings Mfcc { get; init; } = new();
    /// <summary>audio.mfcc.device: auto (a CUDA GPU when there is one), cpu or cuda[:N].</summary>
    public InferenceDevice MfccDevice { get; init; } = InferenceDevice.Auto;
    public EventSettings Events { get; init; } = new();
    public AudioDenoiseSettings Denoise { get; init; } = new();
    /// <summary>The AudioSet sound tagger; null: off.</summary>
    public SoundsConfig? Sounds { get; init; }

    public async Task<AudioSettings> ResolveAsync(AssetLocator assets, CancellationToken cancellation)
    {
        var vad = VadModel == "none" ? null : await assets.ResolveUriAsync(VadModel, cancellation);
        var sounds = Sounds is null ? null : await Sounds.ResolveAsync(assets, cancellation);
        return new AudioSettings(vad, new OnnxSettings { Device = InferenceDevice.Cpu }, WindowSeconds) { Mfcc = Mfcc, MfccDevice = MfccDevice, Events = Events, Denoise = Denoise, Sounds = sounds };
    }
}
