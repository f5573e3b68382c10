using System.CommandLine;
using StreamFusion.Hosting.Config;

namespace StreamFusion.Cli.Commands;

/// <summary>`--rules FILE`: a camera's zones, lines and masks (the `rules:` section of a pipeline file, on its own).</summary>
public static class RulesOption
{
    public static Option<string?> Create() =>
        new("--rules") { Description = "scene rules: a YAML file of zones, lines and masks (coordinates 0..1); events are logged as they happen" };

    public static RulesConfig Read(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } file ? RulesConfigReader.Load(file) : RulesConfig.None;
}
