using System.Text.Json;
using System.Text.RegularExpressions;
using StreamFusion.Core.Config;
using StreamFusion.Hosting.Config;
using YamlDotNet.Serialization;

namespace StreamFusion.Hosting.Fleet;

/// <summary>
/// A fleet's configuration: one pipeline file without cameras (what every worker shares: vision, audio, fusion,
/// Kafka, …), and each registered camera's section as JSON. A camera's settings are read exactly as if its section
/// were the one entry of that file's <c>cameras:</c> list (JSON is YAML), so a worker and `cameras add` agree on
/// what is valid.
/// </summary>
public sealed partial class FleetConfig
{
    private readonly string _text;
    private readonly string _file;

    private FleetConfig(string file, string text) => (_file, _text) = (file, text);

    /// <summary>What the workers share: the file's settings (its cameras come from the registry).</summary>
    public PipelineConfig Shared { get; private set; } = null!;

    /// <param name="file">the shared pipeline file; null: the defaults</param>
    public static FleetConfig Load(string? file)
    {
        var text = file is null ? "" : File.Exists(file) ? File.ReadAllText(file)
            : throw new ConfigException([new ConfigError(file, 0, 0, "(file)", "no such file")]);
        if (CamerasKey().Match(text) is { Success: true } match)
            throw new ConfigException([new ConfigError(file!, text[..match.Index].Count(c => c == '\n') + 1, 1, "cameras",
                "a fleet's cameras come from the camera registry (`streamfusion cameras add`): remove them from the shared file")]);
        var config = new FleetConfig(file ?? "(defaults)", text);
        config.Shared = config.Parse("{ id: shared, uri: none }", "(shared)");
        return config;
    }

    /// <summary>The shared settings changed (the command line's Kafka cluster, the worker's id); the cameras are read as before.</summary>
    public FleetConfig WithShared(Func<PipelineConfig, PipelineConfig> change) => new(_file, _text) { Shared = change(Shared) };

    /// <summary>A camera's config, from its section as JSON; a mistake is a <see cref="ConfigException"/> naming the camera's keys.</summary>
    public CameraConfig Camera(string json, string source) => Parse(json, source).Cameras[0];

    private PipelineConfig Parse(string section, string source)
    {
        try
        {
            return PipelineConfigLoader.Parse(_file, new StringReader($"{_text}\ncameras:\n  - {section}\n"));
        }
        catch (ConfigException e)
        {
            throw new ConfigException([.. e.Errors.Select(error => error.Key.StartsWith("cameras[0]", StringComparison.Ordinal)
                ? error with { File = source, Line = 0, Column = 0, Key = "camera" + error.Key["cameras[0]".Length..] } : error)]);
        }
    }

    /// <summary>A camera section from YAML (a camera file) as the registry's JSON, and its id.</summary>
    public static (string Id, string Json) FromYaml(string file)
    {
        if (!File.Exists(file)) throw new ConfigException([new ConfigError(file, 0, 0, "(file)", "no such file")]);
        object? section;
        try
        {
            section = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(file));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ConfigException([new ConfigError(file, (int)e.Start.Line, (int)e.Start.Column, "(yaml)", e.Message)]);
        }
        if (section is not Dictionary<object, object> mapping)
            throw new ConfigException([new ConfigError(file, 1, 1, "(camera)", "expected one camera's section: a mapping with id, uri and its settings")]);
        var id = mapping.TryGetValue("id", out var value) && value is string text ? text
            : throw new ConfigException([new ConfigError(file, 1, 1, "id", "required: the camera's id")]);
        return (id, JsonSerializer.Serialize(section));
    }

    [GeneratedRegex(@"^cameras\s*:", RegexOptions.Multiline)]
    private static partial Regex CamerasKey();
}
