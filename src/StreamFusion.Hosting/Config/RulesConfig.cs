using StreamFusion.Core.Config;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Scene;

namespace StreamFusion.Hosting.Config;

/// <summary>A label the rules name, with where it was written: checked against the model's labels when they are known.</summary>
public sealed record LabelReference(string Label, ConfigError Where);

/// <summary>A camera's scene rules as read from config, with the labels they name.</summary>
public sealed record RulesConfig(SceneRules Rules, IReadOnlyList<LabelReference> Labels)
{
    public static readonly RulesConfig None = new(SceneRules.None, []);

    /// <summary>Every label the rules name must be one the detector has: an unknown one is a config error at its line.</summary>
    public void CheckLabels(LabelMap labels)
    {
        var unknown = Labels.Where(l => labels.IndexOf(l.Label) < 0)
            .Select(l => l.Where with { Problem = $"'{l.Label}' is not a label of the detector ({labels.Count} labels, e.g. {string.Join(", ", labels.Labels.Take(4))})" })
            .ToList();
        if (unknown.Count > 0) throw new ConfigException(unknown);
    }
}
