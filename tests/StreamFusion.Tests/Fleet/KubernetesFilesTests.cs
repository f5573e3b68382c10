using System.Text.RegularExpressions;
using StreamFusion.Hosting.Fleet;
using StreamFusion.Tests.Config;
using YamlDotNet.RepresentationModel;

namespace StreamFusion.Tests.Fleet;

/// <summary>
/// No Kubernetes cluster runs here, so deploy/kubernetes is checked by reading it: what kustomize applies exists, the
/// workers' names are their static membership, the arguments are the worker verb's, the probes ask the endpoints
/// the worker serves, the grace period covers a drain, the shared settings are a valid fleet file, and the Service
/// and PodDisruptionBudget select the workers.
/// </summary>
public class KubernetesFilesTests
{
    private static readonly string Folder = Path.Combine(PipelineConfigTests.RepositoryRoot(), "deploy", "kubernetes");

    private static YamlMappingNode Manifest(string file) => DockerFilesTests.Yaml(Path.Combine("deploy", "kubernetes", file));

    private static YamlNode At(YamlNode node, params string[] path) => path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    private static List<YamlNode> List(YamlNode node, params string[] path) => ((YamlSequenceNode)At(node, path)).Children.ToList();

    private static string Text(YamlNode node, params string[] path) => At(node, path).ToString();

    private static Dictionary<string, string> Labels(YamlNode node) =>
        ((YamlMappingNode)node).Children.ToDictionary(p => p.Key.ToString(), p => p.Value.ToString());

    [Fact]
    public void Kustomize_applies_every_manifest_and_the_fleet_file_as_the_config_map_the_workers_mount()
    {
        var kustomization = Manifest("kustomization.yaml");
        var resources = List(kustomization, "resources").Select(r => r.ToString()).ToList();
        var generated = Assert.Single(List(kustomization, "configMapGenerator"));
        var files = List(generated, "files").Select(f => f.ToString()).ToList();
        Assert.Equal(Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(),
            resources.Concat(files).Order()!);
        Assert.Equal("true", Text(kustomization, "generatorOptions", "disableNameSuffixHash"));

        var pod = At(Manifest("statefulset.yaml"), "spec", "template", "spec");
        var volume = Assert.Single(List(pod, "volumes"), v => ((YamlMappingNode)v).Children.ContainsKey("configMap"));
        Assert.Equal(Text(generated, "name"), Text(volume, "configMap", "name"));
        var mount = Assert.Single(List(Assert.Single(List(pod, "containers")), "volumeMounts"), m => Text(m, "name") == Text(volume, "name"));
        var args = Arguments(pod);
        Assert.Equal($"{Text(mount, "mountPath")}/{Assert.Single(files)}", args["--config"]);
    }

    [Fact]
    public void Each_worker_pod_is_a_static_member_named_after_itself_running_the_worker_verb_with_its_options()
    {
        var statefulSet = Manifest("statefulset.yaml");
        var pod = At(statefulSet, "spec", "template", "spec");
        var container = Assert.Single(List(pod, "containers"));
        var args = List(container, "args").Select(a => a.ToString()).ToList();
        Assert.Equal("worker", args[0]);

        var env = List(container, "env").ToDictionary(e => Text(e, "name"));
        Assert.Equal("$(POD_NAME)", Arguments(pod)["--instance"]);
        Assert.Equal("metadata.name", Text(env["POD_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        foreach (Match reference in Regex.Matches(string.Join(" ", args), @"\$\((\w+)\)"))
            Assert.True(env.ContainsKey(reference.Groups[1].Value), $"{reference.Value} is not set in the container's env");

        var help = Processes.Cli("worker", "--help");
        foreach (var option in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            Assert.True(help.Stdout.Contains(option + " ") || help.Stdout.Contains(option + "\n") || help.Stdout.Contains(option + ","), $"worker has no {option}");

        Assert.InRange(int.Parse(Text(statefulSet, "spec", "replicas")), 1, CameraRegistry.DefaultPartitions); // partitions bound the workers
        Assert.Equal(Text(statefulSet, "spec", "serviceName"), Text(Manifest("service.yaml"), "metadata", "name"));
    }

    [Fact]
    public void Readiness_is_the_workers_health_liveness_its_metrics_on_the_port_the_service_names()
    {
        var pod = At(Manifest("statefulset.yaml"), "spec", "template", "spec");
        var container = Assert.Single(List(pod, "containers"));
        var port = Assert.Single(List(container, "ports"));
        Assert.EndsWith(":" + Text(port, "containerPort"), Arguments(pod)["--metrics"]);
        Assert.StartsWith("0.0.0.0:", Arguments(pod)["--metrics"]); // probes and scrapers come from outside the pod

        Assert.Equal("/health", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/metrics", Text(container, "livenessProbe", "httpGet", "path")); // a camera down is no reason for a restart
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
            Assert.Equal(Text(port, "name"), Text(container, probe, "httpGet", "port"));
        var endpoints = File.ReadAllText(Path.Combine(PipelineConfigTests.RepositoryRoot(), "src", "StreamFusion.Hosting", "Operations", "OperationsEndpoints.cs"));
        Assert.Contains("MapGet(\"/health\"", endpoints);
        Assert.Contains("MapGet(\"/metrics\"", endpoints);

        var servicePort = Assert.Single(List(Manifest("service.yaml"), "spec", "ports"));
        Assert.Equal(Text(port, "name"), Text(servicePort, "targetPort"));
    }

    [Fact]
    public void The_grace_period_covers_a_drain_and_the_spool_evidence_and_models_live_on_each_pods_own_volume()
    {
        var statefulSet = Manifest("statefulset.yaml");
        var pod = At(statefulSet, "spec", "template", "spec");
        var container = Assert.Single(List(pod, "containers"));
        var fleet = FleetConfig.Load(Path.Combine(Folder, "fleet.yaml")).Shared;

        // Drain, then up to 5 s for the broker's acknowledgements, then leaving the group.
        Assert.True(int.Parse(Text(pod, "terminationGracePeriodSeconds")) >= fleet.DrainTimeout.TotalSeconds + 10);

        var claim = Assert.Single(List(statefulSet, "spec", "volumeClaimTemplates"));
        var state = Assert.Single(List(container, "volumeMounts"), m => Text(m, "name") == Text(claim, "metadata", "name"));
        var stateDir = Text(state, "mountPath");
        var dockerfile = File.ReadAllText(Path.Combine(PipelineConfigTests.RepositoryRoot(), "docker", "Dockerfile"));
        Assert.Contains($"XDG_STATE_HOME={stateDir}", dockerfile); // the spool's default place
        Assert.StartsWith(stateDir + "/", fleet.Evidence!.Directory);
        var env = List(container, "env").ToDictionary(e => Text(e, "name"));
        Assert.StartsWith(stateDir + "/", Text(env["XDG_CACHE_HOME"], "value"));
        Assert.Contains($"--uid {Text(pod, "securityContext", "runAsUser")} ", dockerfile); // the image's user can write the volume
        Assert.Equal(Text(pod, "securityContext", "runAsUser"), Text(pod, "securityContext", "fsGroup"));
    }

    [Fact]
    public void The_service_and_the_disruption_budget_select_the_worker_pods_and_a_drain_takes_one_at_a_time()
    {
        var statefulSet = Manifest("statefulset.yaml");
        var podLabels = Labels(At(statefulSet, "spec", "template", "metadata", "labels"));
        Assert.Equal(Labels(At(statefulSet, "spec", "selector", "matchLabels")), podLabels);

        var service = Manifest("service.yaml");
        Assert.Equal("None", Text(service, "spec", "clusterIP")); // one address per worker
        Assert.All(Labels(At(service, "spec", "selector")), l => Assert.Equal(l.Value, podLabels[l.Key]));

        var budget = Manifest("poddisruptionbudget.yaml");
        Assert.Equal("PodDisruptionBudget", Text(budget, "kind"));
        Assert.Equal("1", Text(budget, "spec", "maxUnavailable"));
        Assert.All(Labels(At(budget, "spec", "selector", "matchLabels")), l => Assert.Equal(l.Value, podLabels[l.Key]));
    }

    [Fact]
    public void A_camera_is_checked_against_the_fleet_file_the_pods_share()
    {
        var fleet = FleetConfig.Load(Path.Combine(Folder, "fleet.yaml"));

        Assert.Equal("lobby", fleet.Camera("""{"id": "lobby", "uri": "rtsp://cam/lobby"}""", "lobby.yaml").Id);
        var error = Assert.Throws<StreamFusion.Core.Config.ConfigException>(() => fleet.Camera("""{"id": "lobby", "uri": "rtsp://cam/lobby", "vision": {"detect_fps": "x"}}""", "lobby.yaml"));
        Assert.Contains("camera.vision.detect_fps", error.Message);
    }

    /// <summary>The container's options and their values (--name value pairs after the verb).</summary>
    private static Dictionary<string, string> Arguments(YamlNode pod)
    {
        var args = List(Assert.Single(List(pod, "containers")), "args").Select(a => a.ToString()).ToList();
        return args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Count)
            .ToDictionary(p => p.a, p => args[p.i + 1]);
    }
}
