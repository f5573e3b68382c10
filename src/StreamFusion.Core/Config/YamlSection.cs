using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StreamFusion.Core.Config;

/// <summary>
/// Typed, located access to one YAML mapping. Every problem is recorded with file, line, column and key path
/// (never thrown one at a time), so a user sees all mistakes in one go. Unknown keys are errors.
/// </summary>
public sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private YamlSection(string file, string path, YamlMappingNode node, List<ConfigError> errors)
    {
        File = file;
        Path = path;
        _node = node;
        Errors = errors;
    }

    public string File { get; }
    public string Path { get; }
    public List<ConfigError> Errors { get; }

    /// <summary>Parses a whole document whose root must be a mapping; syntax errors throw <see cref="ConfigException"/>.</summary>
    public static YamlSection Load(string file, TextReader text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(text);
        }
        catch (YamlException e)
        {
            throw new ConfigException([new ConfigError(file, (int)e.Start.Line, (int)e.Start.Column, "(syntax)", e.InnerException?.Message ?? e.Message)]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException([new ConfigError(file, 1, 1, "(root)", "expected a mapping of settings")]);
        return new YamlSection(file, "", root, []);
    }

    public void Error(YamlNode? node, string key, string problem)
    {
        var mark = node?.Start ?? _node.Start;
        Errors.Add(new ConfigError(File, (int)mark.Line, (int)mark.Column, Qualify(key), problem));
    }

    public bool Has(string key) => Find(key) is not null;

    /// <summary>Whether the key holds a single value (e.g. a file name where a mapping could also stand).</summary>
    public bool IsScalar(string key) => Find(key) is YamlScalarNode;

    /// <summary>A problem at a key, located but not recorded: for checks that can only run later (labels of a model).</summary>
    public ConfigError ErrorAt(string key, string problem)
    {
        var mark = Find(key)?.Start ?? _node.Start;
        return new ConfigError(File, (int)mark.Line, (int)mark.Column, Qualify(key), problem);
    }

    /// <summary>
    /// Points written as [[x, y], [x, y], …], each coordinate within <paramref name="min"/>..<paramref name="max"/>;
    /// null (and an error) when the list is missing, malformed or shorter than <paramref name="minPoints"/>.
    /// </summary>
    public IReadOnlyList<(double X, double Y)>? Points(string key, int minPoints, double min, double max, string shape)
    {
        var node = Find(key);
        if (node is null)
        {
            Error(null, key, $"required: the {shape}'s points, e.g. [[0.1, 0.2], [0.5, 0.2], …]");
            return null;
        }
        if (node is not YamlSequenceNode sequence)
        {
            Error(node, key, "expected a list of [x, y] points");
            return null;
        }
        var points = new List<(double X, double Y)>();
        foreach (var child in sequence.Children)
        {
            if (child is not YamlSequenceNode { Children.Count: 2 } pair || !Coordinate(pair.Children[0], out var x) || !Coordinate(pair.Children[1], out var y))
            {
                Error(child, key, "expected a point [x, y] of two numbers");
                return null;
            }
            if (x < min || x > max || y < min || y > max)
            {
                Error(child, key, FormattableString.Invariant($"point [{x}, {y}] is outside {min}..{max} (coordinates are fractions of the frame)"));
                return null;
            }
            points.Add((x, y));
        }
        if (points.Count < minPoints)
        {
            Error(node, key, $"a {shape} needs at least {minPoints} points, got {points.Count}");
            return null;
        }
        return points;
    }

    private static bool Coordinate(YamlNode node, out double value)
    {
        value = 0;
        return node is YamlScalarNode scalar && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public string? String(string key, bool required = false)
    {
        var node = Find(key);
        if (node is null)
        {
            if (required) Error(null, key, "required");
            return null;
        }
        if (node is YamlScalarNode scalar) return scalar.Value;
        Error(node, key, "expected a single value");
        return null;
    }

    public int Int(string key, int fallback, int min, int max) =>
        Choice(key, fallback, (string text, out int value) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
            $"a whole number from {min} to {max}");

    public bool Bool(string key, bool fallback) => Choice(key, fallback, bool.TryParse, "true or false");

    public TimeSpan Duration(string key, TimeSpan fallback) =>
        Choice(key, fallback, DurationText.TryParse, "a duration like 500ms, 10s or 2m");

    /// <summary>A value <paramref name="parse"/> accepts; anything else is an error naming <paramref name="expected"/>.</summary>
    public T Choice<T>(string key, T fallback, TryParseChoice<T> parse, string expected)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (parse(text, out var value)) return value;
        Error(Find(key), key, $"expected {expected}, got '{text}'");
        return fallback;
    }

    public YamlSection? Section(string key)
    {
        var node = Find(key);
        if (node is null) return null;
        if (node is YamlMappingNode mapping) return new YamlSection(File, Qualify(key), mapping, Errors);
        Error(node, key, "expected a mapping of settings");
        return null;
    }

    public IReadOnlyList<YamlSection> Sections(string key)
    {
        var node = Find(key);
        if (node is null) return [];
        if (node is not YamlSequenceNode sequence)
        {
            Error(node, key, "expected a list");
            return [];
        }
        var items = new List<YamlSection>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlMappingNode mapping)
                items.Add(new YamlSection(File, $"{Qualify(key)}[{i}]", mapping, Errors));
            else
                Errors.Add(new ConfigError(File, (int)sequence.Children[i].Start.Line, (int)sequence.Children[i].Start.Column, $"{Qualify(key)}[{i}]", "expected a mapping of settings"));
        }
        return items;
    }

    /// <summary>A mapping of names to mappings of settings, e.g. `classes: { gunshot: { threshold: 0.3 } }`, in the order written.</summary>
    public IReadOnlyList<(string Name, YamlSection Settings)> NamedSections(string key)
    {
        var section = Section(key);
        if (section is null) return [];
        var items = new List<(string, YamlSection)>();
        foreach (var (k, v) in section._node.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            section._read.Add(name);
            if (v is YamlMappingNode mapping) items.Add((name, new YamlSection(File, section.Qualify(name), mapping, Errors)));
            else section.Error(v, name, "expected a mapping of settings");
        }
        return items;
    }

    public double Number(string key, double fallback, double min, double max) =>
        Choice(key, fallback, (string text, out double value) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
            $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A list of single values, written as [a, b] or one per line.</summary>
    public IReadOnlyList<string>? StringList(string key)
    {
        var node = Find(key);
        if (node is null) return null;
        if (node is YamlSequenceNode sequence && sequence.Children.All(c => c is YamlScalarNode))
            return sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
        Error(node, key, "expected a list of values, e.g. [person, car]");
        return null;
    }

    /// <summary>A map of names to numbers within a range (per-class thresholds, weights).</summary>
    public IReadOnlyDictionary<string, double> NumberMap(string key, double min, double max, string what)
    {
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, text) in StringMap(key))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                numbers[name] = value;
            else
                Error(Find(key), $"{key}.{name}", $"expected {what} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
        }
        return numbers;
    }

    /// <summary>A free-form string map (e.g. FFmpeg options), values kept as written.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var section = Section(key);
        if (section is null) return new Dictionary<string, string>();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in section._node.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            section._read.Add(name);
            if (v is YamlScalarNode scalar) map[name] = scalar.Value ?? "";
            else section.Error(v, name, "expected a single value");
        }
        return map;
    }

    /// <summary>Reports keys that nothing read, with the closest known key as a hint.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var (key, _) in _node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (_read.Contains(name)) continue;
            // A near-miss spelling, or a shortened name (bootstrap for bootstrap_servers).
            var hint = _read.OrderBy(known => EditDistance(known, name)).FirstOrDefault(known => EditDistance(known, name) <= 2)
                       ?? _read.FirstOrDefault(known => name.Length >= 4 && known.StartsWith(name, StringComparison.Ordinal));
            Error(key, name, hint is null ? "unknown setting" : $"unknown setting (did you mean '{hint}'?)");
        }
    }

    private YamlNode? Find(string key)
    {
        _read.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var node) && !IsNull(node) ? node : null;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private string Qualify(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}

public delegate bool TryParseChoice<T>(string text, out T value);
