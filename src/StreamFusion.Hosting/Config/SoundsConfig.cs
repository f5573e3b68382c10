using StreamFusion.Audio.Sounds;
using StreamFusion.Core.Assets;
using StreamFusion.Core.Config;

namespace StreamFusion.Hosting.Config;

/// <summary>The sound tagger as written in a pipeline file (`audio.sounds`); model and labels may be "asset:" names.</summary>
public sealed record SoundsConfig
{
    public const string DefaultModel = "asset:models/efficientat_mn04_as.onnx";
    public const string DefaultLabels = "asset:models/audioset_class_labels_indices.csv";

    public string Model { get; init; } = DefaultModel;
    public string Labels { get; init; } = DefaultLabels;
    public double WindowSeconds { get; init; } = 3;
    public double HopSeconds { get; init; } = 1;
    public double MinDbfs { get; init; } = -50;
    public int TopLabels { get; init; } = 3;
    public bool Embedding { get; init; }
    public StreamFusion.Inference.InferenceDevice Device { get; init; } = StreamFusion.Inference.InferenceDevice.Auto;
    public IReadOnlyList<SoundClass> Classes { get; init; } = SoundSettings.Surveillance;
    /// <summary>The AudioSet labels the classes name, with where: checked against the label file when it is resolved.</summary>
    public IReadOnlyList<LabelReference> ClassLabels { get; init; } = [];

    public async Task<SoundSettings> ResolveAsync(AssetLocator assets, CancellationToken cancellation)
    {
        var labels = await assets.ResolveUriAsync(Labels, cancellation);
        var known = AudioSetLabels.Load(labels);
        var unknown = ClassLabels.Where(l => known.IndexOf(l.Label) < 0)
            .Select(l => l.Where with { Problem = $"'{l.Label}' is not an AudioSet label of {Path.GetFileName(labels)} (e.g. \"Gunshot, gunfire\", \"Siren\")" }).ToList();
        if (unknown.Count > 0) throw new ConfigException(unknown);
        return new SoundSettings(await assets.ResolveUriAsync(Model, cancellation), labels, WindowSeconds, HopSeconds, MinDbfs, TopLabels, Embedding)
        {
            Classes = Classes, Onnx = new StreamFusion.Inference.OnnxSettings { Device = Device },
        };
    }
}
