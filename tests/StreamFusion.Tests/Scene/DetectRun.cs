using System.Numerics;
using System.Text.Json;

namespace StreamFusion.Tests.Scene;

/// <summary>One `detect --json --rules` run over real footage, parsed: every frame's objects and the scene events.</summary>
public class DetectRun
{
    public sealed record Box(int Track, string Label, float Score, float X, float Y, float W, float H)
    {
        public Vector2 Feet => new(X + W / 2, Y + H);
    }

    public sealed record Frame(double Pts, bool Carried, IReadOnlyList<Box> Objects);

    public sealed record Event(string Kind, string Rule, int Track, double Pts, double? Dwell, string? Direction);

    public List<Frame> Frames { get; } = [];
    public List<Event> Events { get; } = [];
    public string Stderr { get; }

    public DetectRun(string media, string rulesYaml, params string[] extra)
    {
        using var temp = new TempDirectory();
        var rules = temp.File("rules.yaml");
        File.WriteAllText(rules, rulesYaml);
        var output = temp.File("frames.jsonl");
        var result = Processes.Cli(["detect", media, "--json", "--out", output, "--rules", rules, .. extra]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Stderr = result.Stderr;
        foreach (var line in File.ReadLines(output))
        {
            var frame = JsonDocument.Parse(line).RootElement;
            if (frame.TryGetProperty("end", out _) is false)
                Frames.Add(new Frame(frame.GetProperty("pts").GetDouble(), frame.TryGetProperty("carried", out _), frame.GetProperty("objects").EnumerateArray().Select(o =>
                {
                    var b = o.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                    return new Box(o.GetProperty("track").GetInt32(), o.GetProperty("label").GetString()!, o.GetProperty("score").GetSingle(), b[0], b[1], b[2], b[3]);
                }).ToList()));
            if (frame.TryGetProperty("scene", out var scene))
                Events.AddRange(scene.EnumerateArray().Select(e => new Event(e.GetProperty("kind").GetString()!, e.GetProperty("rule").GetString()!,
                    e.TryGetProperty("track", out var t) ? t.GetInt32() : 0, e.GetProperty("pts").GetDouble(),
                    e.TryGetProperty("dwell", out var d) ? d.GetDouble() : null, e.TryGetProperty("direction", out var dir) ? dir.GetString() : null)));
        }
    }

    public int Count(string kind, string rule) => Events.Count(e => e.Kind == kind && e.Rule == rule);
}
