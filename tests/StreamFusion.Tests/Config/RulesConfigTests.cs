using StreamFusion.Core.Config;
using StreamFusion.Hosting.Config;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Scene;

namespace StreamFusion.Tests.Config;

/// <summary>Scene rules in config: a rules file, a pipeline's `rules:` with per-camera overrides, and located mistakes.</summary>
public class RulesConfigTests
{
    private const string Good = """
        anchor: bottom-center
        stationary_after: 45s
        zones:
          - name: door
            points: [[0.1, 0.2], [0.4, 0.2], [0.4, 0.9], [0.1, 0.9]]
            objects: [person]
            min_score: 0.4
            min_area: 0.001
            inertia: 2
            exit_grace: 3s
            loitering: 40s
            max_objects: 4
            weight: 0.7
            anchor: center
        lines:
          - name: gate
            points: [[0.5, 0.1], [0.5, 0.5], [0.6, 0.9]]
            objects: [person, bicycle]
            weight: 0.4
        masks:
          - { name: clock, kind: motion, points: [[0, 0], [0.3, 0], [0.3, 0.05], [0, 0.05]] }
          - { name: road, kind: object, points: [[0.8, 0], [1, 0], [1, 1], [0.8, 1]], objects: [car] }
        """;

    private static RulesConfig Load(string yaml)
    {
        using var temp = new TempDirectory();
        var file = temp.File("rules.yaml");
        File.WriteAllText(file, yaml);
        return RulesConfigReader.Load(file);
    }

    private static List<string> Problems(string yaml)
    {
        using var temp = new TempDirectory();
        var file = temp.File("bad.yaml");
        File.WriteAllText(file, yaml);
        var error = Assert.Throws<ConfigException>(() => RulesConfigReader.Load(file));
        Assert.All(error.Errors, e => Assert.Equal(file, e.File));
        return error.Errors.Select(e => $"{e.Line}:{e.Key}: {e.Problem}").ToList();
    }

    [Fact]
    public void A_rules_file_is_read_with_every_setting()
    {
        var config = Load(Good);
        var rules = config.Rules;
        Assert.Equal(45, rules.StationaryAfter);
        var door = Assert.Single(rules.Zones);
        Assert.Equal(("door", 4, 2, 3.0, 40.0, 4, 0.7, AnchorPoint.Center), (door.Name, door.Area.Points.Count, door.Inertia, door.ExitGrace, door.Loitering, door.MaxObjects, door.Weight, door.Anchor!.Value));
        Assert.Equal((0.4f, 0.001), (door.MinScore, door.MinArea));
        var gate = Assert.Single(rules.Lines);
        Assert.Equal((3, 0.4), (gate.Path.Points.Count, gate.Weight));
        Assert.Equal([MaskKind.Motion, MaskKind.Object], rules.Masks.Select(m => m.Kind));
        Assert.Equal(["person", "person", "bicycle", "car"], config.Labels.Select(l => l.Label));
    }

    [Fact]
    public void Bad_rules_are_one_line_each_naming_the_file_line_and_key()
    {
        var problems = Problems("""
            zones:
              - name: door
                points: [[0.1, 0.2], [0.4, 0.2]]
              - name: bay
                points: [[0.1, 0.2], [1.4, 0.2], [0.4, 0.9]]
              - name: door
                points: [[0.1, 0.2], [0.4, 0.2], [0.4, 0.9]]
                inertai: 3
            lines:
              - name: gate
                points: [[0.5, 0.5]]
              - points: [[0.5, 0.5], [0.6, 0.6]]
            masks:
              - { name: m, points: [[0, 0], [1, 0], [1, 1]] }
            """);
        Assert.Contains("3:zones[0].points: a zone needs at least 3 points, got 2", problems);
        Assert.Contains(problems, p => p.StartsWith("5:zones[1].points: point [1.4, 0.2] is outside 0..1"));
        Assert.Contains(problems, p => p.StartsWith("6:zones[2].name: duplicate rule name 'door'"));
        Assert.Contains("8:zones[2].inertai: unknown setting (did you mean 'inertia'?)", problems);
        Assert.Contains("11:lines[0].points: a line needs at least 2 points, got 1", problems);
        Assert.Contains(problems, p => p.StartsWith("12:lines[1].name: required"));
        Assert.Contains(problems, p => p.StartsWith("14:masks[0].kind: required"));
    }

    [Fact]
    public void A_label_the_detector_does_not_have_is_an_error_at_its_line()
    {
        var config = Load("""
            zones:
              - name: door
                points: [[0.1, 0.2], [0.4, 0.2], [0.4, 0.9]]
                objects: [person, persn]
            """);
        var error = Assert.Throws<ConfigException>(() => config.CheckLabels(LabelMap.Load(TestAssets.Path("models/coco_classes.txt"))));
        var problem = Assert.Single(error.Errors);
        Assert.Equal((4, "zones[0].objects"), (problem.Line, problem.Key));
        Assert.StartsWith("'persn' is not a label of the detector (80 labels", problem.Problem);
    }

    [Fact]
    public void A_pipeline_has_default_rules_a_camera_may_replace_inline_or_from_a_file()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("door.yaml"), Good);
        var pipeline = temp.File("pipeline.yaml");
        File.WriteAllText(pipeline, """
            rules:
              lines:
                - { name: fence, points: [[0, 0.5], [1, 0.5]] }
            fusion:
              required_zones: [door]
            cameras:
              - { id: a, uri: a.mp4 }
              - { id: b, uri: b.mp4, rules: door.yaml }
              - id: c
                uri: c.mp4
                rules:
                  zones:
                    - { name: yard, points: [[0, 0], [1, 0], [1, 1]] }
            """);
        var config = PipelineConfigLoader.Load(pipeline);
        Assert.Equal("fence", config.Cameras[0].Vision.Rules.Rules.Lines.Single().Name);
        Assert.Equal("door", config.Cameras[1].Vision.Rules.Rules.Zones.Single().Name);
        Assert.Equal("yard", config.Cameras[2].Vision.Rules.Rules.Zones.Single().Name);
        Assert.Equal(["door"], config.Fusion.RequiredZones);

        File.WriteAllText(pipeline, """
            fusion: { required_zones: [dock] }
            cameras:
              - { id: b, uri: b.mp4, rules: missing.yaml }
            """);
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(pipeline));
        Assert.Contains(error.Errors, e => e.File.EndsWith("missing.yaml") && e.Problem == "no such rules file");
        Assert.Contains(error.Errors, e => e.Key == "fusion.required_zones" && e.Problem == "'dock' is a zone of no camera");
    }

    [Fact]
    public void Bad_rules_on_the_command_line_stop_the_verb_before_anything_starts()
    {
        using var temp = new TempDirectory();
        var rules = temp.File("rules.yaml");
        File.WriteAllText(rules, """
            zones:
              - name: door
                points: [[0.1, 0.2], [0.4, 0.2], [0.4, 0.9]]
                objects: [persn]
            """);
        var result = Processes.Cli("detect", TestAssets.Media("vtest_480x360.avi"), "--rules", rules);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains("warning"));
        Assert.Contains($"{rules}:4:", line);
        Assert.Contains("zones[0].objects: 'persn' is not a label of the detector", line);
        Assert.DoesNotContain("opened", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        var pipeline = temp.File("pipeline.yaml");
        File.WriteAllText(pipeline, $"cameras:\n  - {{ id: a, uri: {TestAssets.Media("vtest_480x360.avi")}, rules: rules.yaml }}\n");
        var check = Processes.Cli("run", pipeline, "--check");
        Assert.Equal(2, check.ExitCode);
        Assert.Contains($"{rules}:4:", check.Stderr); // --check looks at the labels too

        File.WriteAllText(rules, "lines:\n  - { name: gate, points: [[0.5, 0.5]] }\n");
        var draw = Processes.Cli("draw", TestAssets.Media("vtest_480x360.avi"), "--rules", rules, "--out", temp.File("x.png"));
        Assert.Equal(2, draw.ExitCode);
        Assert.Contains($"{rules}:2:", draw.Stderr);
        Assert.Contains("lines[0].points: a line needs at least 2 points, got 1", draw.Stderr);
        Assert.False(File.Exists(temp.File("x.png")));
    }
}
