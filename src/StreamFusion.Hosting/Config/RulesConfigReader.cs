using System.Numerics;
using System.Text.RegularExpressions;
using StreamFusion.Core.Config;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Scene.Geometry;

namespace StreamFusion.Hosting.Config;

/// <summary>
/// Reads scene rules: a `rules:` section of a pipeline file (a mapping, or the name of a rules file), or a rules
/// file of its own (`--rules FILE`), whose root holds zones, lines and masks.
/// </summary>
public static partial class RulesConfigReader
{
    public static RulesConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException([new ConfigError(path, 0, 0, "(file)", "no such rules file")]);
        using var reader = File.OpenText(path);
        var root = YamlSection.Load(path, reader);
        var rules = Read(root);
        if (root.Errors.Count > 0) throw new ConfigException(root.Errors);
        return rules;
    }

    /// <summary>The `rules` key of a pipeline file or camera: a mapping, or a rules file's name (relative to that file).</summary>
    public static RulesConfig ReadFrom(YamlSection parent, string key, RulesConfig defaults)
    {
        if (!parent.Has(key)) return defaults;
        if (!parent.IsScalar(key)) return parent.Section(key) is { } section ? Read(section) : defaults;
        var file = parent.String(key)!;
        if (!Path.IsPathRooted(file)) file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(parent.File)) ?? ".", file));
        try
        {
            return Load(file);
        }
        catch (ConfigException e)
        {
            parent.Errors.AddRange(e.Errors);
            return defaults;
        }
    }

    private static RulesConfig Read(YamlSection section)
    {
        var labels = new List<LabelReference>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var anchor = section.Choice("anchor", AnchorPoint.BottomCenter, AnchorPoints.TryParse, AnchorPoints.Names);
        var zones = section.Sections("zones").Select(z => Zone(z, labels, names)).OfType<ZoneRule>().ToList();
        var lines = section.Sections("lines").Select(l => Line(l, labels, names)).OfType<LineRule>().ToList();
        var masks = section.Sections("masks").Select(m => Mask(m, labels, names)).OfType<MaskRule>().ToList();
        var rules = new SceneRules(zones, lines, masks)
        {
            Anchor = anchor,
            StationaryAfter = section.Duration("stationary_after", TimeSpan.FromSeconds(SceneRules.None.StationaryAfter)).TotalSeconds,
            StationaryRadius = section.Number("stationary_radius", SceneRules.None.StationaryRadius, 0, 10),
        };
        section.RejectUnknownKeys();
        return new RulesConfig(rules, labels);
    }

    private static ZoneRule? Zone(YamlSection zone, List<LabelReference> labels, HashSet<string> names)
    {
        var name = Name(zone, names);
        var points = zone.Points("points", 3, 0, 1, "zone");
        var defaults = new ZoneRule("", Placeholder);
        var rule = new ZoneRule(name ?? "", points is null ? Placeholder : new Polygon(Vectors(points)))
        {
            Objects = Objects(zone, labels),
            MinScore = (float)zone.Number("min_score", defaults.MinScore, 0, 1),
            MinArea = zone.Number("min_area", defaults.MinArea, 0, 1),
            Inertia = zone.Int("inertia", defaults.Inertia, 1, 1000),
            ExitGrace = zone.Duration("exit_grace", TimeSpan.FromSeconds(defaults.ExitGrace)).TotalSeconds,
            Loitering = zone.Duration("loitering", TimeSpan.FromSeconds(defaults.Loitering)).TotalSeconds,
            MaxObjects = zone.Int("max_objects", defaults.MaxObjects, 0, 100_000),
            Weight = zone.Number("weight", defaults.Weight, 0, 1),
            Anchor = OwnAnchor(zone),
        };
        zone.RejectUnknownKeys();
        return name is null || points is null ? null : rule;
    }

    private static LineRule? Line(YamlSection line, List<LabelReference> labels, HashSet<string> names)
    {
        var name = Name(line, names);
        var points = line.Points("points", 2, 0, 1, "line");
        var defaults = new LineRule("", new Polyline([Vector2.Zero, Vector2.One]));
        var rule = new LineRule(name ?? "", points is null ? defaults.Path : new Polyline(Vectors(points)))
        {
            Objects = Objects(line, labels),
            Hysteresis = line.Number("hysteresis", defaults.Hysteresis, 0, 0.5),
            Weight = line.Number("weight", defaults.Weight, 0, 1),
            Anchor = OwnAnchor(line),
        };
        line.RejectUnknownKeys();
        return name is null || points is null ? null : rule;
    }

    private static MaskRule? Mask(YamlSection mask, List<LabelReference> labels, HashSet<string> names)
    {
        var name = Name(mask, names);
        var kind = mask.Choice("kind", MaskKind.Object, TryParseKind, "motion or object");
        if (!mask.Has("kind")) mask.Error(null, "kind", "required: motion (ignored by the motion gate) or object (detections dropped)");
        var points = mask.Points("points", 3, 0, 1, "mask");
        var objects = Objects(mask, labels);
        if (kind == MaskKind.Motion && objects.Count > 0) mask.Error(null, "objects", "only object masks filter by label");
        mask.RejectUnknownKeys();
        return name is null || points is null ? null : new MaskRule(name, kind, new Polygon(Vectors(points))) { Objects = objects };
    }

    /// <summary>A zone's or line's own anchor; null: the rules' anchor.</summary>
    private static AnchorPoint? OwnAnchor(YamlSection rule) =>
        rule.Has("anchor") ? rule.Choice("anchor", AnchorPoint.BottomCenter, AnchorPoints.TryParse, AnchorPoints.Names) : null;

    private static string? Name(YamlSection rule, HashSet<string> names)
    {
        var name = rule.String("name", required: true);
        if (name is null) return null;
        if (!NamePattern().IsMatch(name))
            rule.Error(null, "name", $"'{name}' must be 1-64 letters, digits, spaces, '-', '_' or '.' (it becomes a metric label)");
        else if (!names.Add(name))
            rule.Error(null, "name", $"duplicate rule name '{name}' (zones, lines and masks share one namespace)");
        else return name;
        return null;
    }

    private static IReadOnlyList<string> Objects(YamlSection rule, List<LabelReference> labels)
    {
        var objects = rule.StringList("objects") ?? [];
        foreach (var label in objects) labels.Add(new LabelReference(label, rule.ErrorAt("objects", "")));
        return objects;
    }

    private static bool TryParseKind(string text, out MaskKind kind)
    {
        (var known, kind) = text.Trim().ToLowerInvariant() switch
        {
            "motion" => (true, MaskKind.Motion),
            "object" or "objects" => (true, MaskKind.Object),
            _ => (false, MaskKind.Object),
        };
        return known;
    }

    private static Vector2[] Vectors(IReadOnlyList<(double X, double Y)> points) => points.Select(p => new Vector2((float)p.X, (float)p.Y)).ToArray();

    private static readonly Polygon Placeholder = new([Vector2.Zero, Vector2.UnitX, Vector2.One]);

    [GeneratedRegex(@"^[A-Za-z0-9_.\- ]{1,64}$")]
    private static partial Regex NamePattern();
}
