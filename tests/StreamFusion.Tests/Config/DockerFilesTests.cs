using System.Text.RegularExpressions;
using StreamFusion.Hosting.Config;
using YamlDotNet.RepresentationModel;

namespace StreamFusion.Tests.Config;

/// <summary>
/// No Docker engine runs here, so the files in docker/ are checked by reading them: the image builds in stages,
/// runs as a non-root user on a base image with the frameworks the CLI needs, copies only what exists, offers the
/// GPU package; compose runs Kafka in KRaft mode and StreamFusion on a pipeline the image contains.
/// </summary>
public class DockerFilesTests
{
    private static readonly string Root = PipelineConfigTests.RepositoryRoot();

    private static string[] Instructions(string dockerfile) =>
        Regex.Replace(File.ReadAllText(Path.Combine(Root, dockerfile)), @"\\\n", " ").Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    /// <summary>A YAML file of the repository (one document, a mapping), by its path from the root.</summary>
    internal static YamlMappingNode Yaml(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, file))));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Service(YamlMappingNode compose, string name) =>
        (YamlMappingNode)((YamlMappingNode)compose["services"])[name];

    private static IEnumerable<string> CliFrameworks()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "streamfusion.runtimeconfig.json")));
        return config.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()!).ToList();
    }

    [Fact]
    public void The_image_builds_in_stages_runs_as_a_non_root_user_and_has_a_gpu_variant()
    {
        var lines = Instructions("docker/Dockerfile");

        Assert.True(lines.Count(l => l.StartsWith("FROM ")) >= 2, "multi-stage build");
        var finalStage = lines.SkipWhile(l => !l.StartsWith("FROM ")).Reverse().TakeWhile(l => !l.StartsWith("FROM ")).Reverse().ToList();
        var user = Assert.Single(finalStage, l => l.StartsWith("USER "));
        Assert.NotEqual("root", user[5..].Trim());
        Assert.Contains(finalStage, l => l.StartsWith("RUN ") && l.Contains($"useradd") && l.Contains(user[5..].Trim()));
        Assert.Contains(finalStage, l => l.StartsWith("ENTRYPOINT [\"dotnet\", \"/app/streamfusion.dll\"]"));
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish") && l.Contains("-p:OnnxRuntimeGpu=${GPU}"));
        // The CUDA and cuDNN majors the GPU package's providers load (what doctor checks) are what the image installs.
        var gpuInstall = Assert.Single(lines, l => l.Contains("\"$GPU\" = \"true\""));
        var cudaMajor = StreamFusion.Inference.CudaLibraries.Probe().Single(l => l.Name.StartsWith("libcudart.so.", StringComparison.Ordinal)).Name.Split('.')[^1];
        Assert.Contains($"cuda-cudart-{cudaMajor}-", gpuInstall);
        Assert.Contains($"libcublas-{cudaMajor}-", gpuInstall);
        Assert.Contains($"libcudnn9-cuda-{cudaMajor}", gpuInstall);
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ") && !l.Contains("--from=")))
        {
            var source = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.True(source == "." || Path.Exists(Path.Combine(Root, source)), $"{copy}: {source} is not in the repository");
        }
        var cmd = Assert.Single(finalStage, l => l.StartsWith("CMD "));
        var pipeline = Regex.Match(cmd, "/app/(pipelines/[^\"]+)").Groups[1].Value;
        Assert.NotEmpty(PipelineConfigLoader.Load(Path.Combine(Root, pipeline)).Cameras);
    }

    [Fact]
    public void The_runtime_image_has_every_shared_framework_the_cli_is_built_against()
    {
        var image = Instructions("docker/Dockerfile").Last(l => l.StartsWith("FROM "));
        foreach (var framework in CliFrameworks()) // ASP.NET Core: Kestrel serves /metrics and /health
            Assert.True(framework == "Microsoft.NETCore.App" || framework == "Microsoft.AspNetCore.App" && image.Contains("/dotnet/aspnet:"), $"{image} lacks {framework}");
    }

    [Fact]
    public void Compose_runs_single_node_kraft_kafka_and_streamfusion_against_it()
    {
        var compose = Yaml("docker/compose.yaml");

        var kafka = Service(compose, "kafka");
        Assert.StartsWith("apache/kafka:", kafka["image"].ToString());
        var environment = (YamlMappingNode)kafka["environment"];
        Assert.Equal("broker,controller", environment["KAFKA_PROCESS_ROLES"].ToString());
        Assert.DoesNotContain(environment.Children.Keys, k => k.ToString().Contains("ZOOKEEPER"));
        var advertised = environment["KAFKA_ADVERTISED_LISTENERS"].ToString();

        var streamfusion = Service(compose, "streamfusion");
        var build = (YamlMappingNode)streamfusion["build"];
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(Root, "docker", build["context"].ToString(), build["dockerfile"].ToString()))));
        var command = ((YamlSequenceNode)streamfusion["command"]).Select(n => n.ToString()).ToList();
        var bootstrap = command[command.IndexOf("--kafka") + 1];
        Assert.Contains($"PLAINTEXT://{bootstrap}", advertised); // the address it uses is one the broker advertises
        Assert.True(File.Exists(Path.Combine(Root, command[1].Replace("/app/", ""))));
        Assert.Contains("kafka", ((YamlMappingNode)streamfusion["depends_on"]).Children.Keys.Select(k => k.ToString()));

        var gpu = Service(Yaml("docker/compose.gpu.yaml"), "streamfusion");
        Assert.Equal("true", ((YamlMappingNode)((YamlMappingNode)gpu["build"])["args"])["GPU"].ToString());
    }
}
