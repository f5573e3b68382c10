using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamFusion.Cli.Hosting;
using StreamFusion.Cli.Output;
using StreamFusion.Hosting.Config;
using StreamFusion.Core.Config;
using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Media.Stage;
using StreamFusion.Vision.Denoise;
using StreamFusion.Vision.Detection;
using StreamFusion.Inference;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion detect`: decode → denoise → detect → track over an image or video, one record per analysed frame.</summary>
public static class DetectCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var input = new Argument<string>("input") { Description = "image or video (path, URL or asset:media/NAME)" };
        var json = new Option<bool>("--json") { Description = "JSON lines instead of readable lines" };
        var output = new Option<string?>("--out") { Description = "write the records to this file (JSON lines unless --json is off and the name ends in .txt)" };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda[:N] or tensorrt[:N]", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per run (0 = all cores); runs go side by side, cores / threads at a time", DefaultValueFactory = _ => 1 };
        var model = new Option<string>("--model") { Description = "YOLOX ONNX model", DefaultValueFactory = _ => VisionConfig.DefaultModel };
        var labels = new Option<string>("--labels") { Description = "label file, one class per line", DefaultValueFactory = _ => VisionConfig.DefaultLabels };
        var threshold = new Option<float>("--threshold") { Description = "minimum score", DefaultValueFactory = _ => 0.3f };
        var classThreshold = new Option<string[]>("--class-threshold") { Description = "per-class minimum score, e.g. car=0.25 (repeatable)", AllowMultipleArgumentsPerToken = true };
        var classes = new Option<string?>("--classes") { Description = "report only these labels, e.g. person,car" };
        var detectFps = new Option<double>("--detect-fps") { Description = "analyse at most this many frames per second (0 = all)" };
        var noMotion = new Option<bool>("--no-motion-gate") { Description = "analyse static frames too" };
        var denoise = new Option<string>("--denoise") { Description = "none, gaussian, bilateral or nlmeans (see the README for what each does to detections)", DefaultValueFactory = _ => "none" };
        var preprocess = new Option<string>("--preprocess") { Description = "where frames are letterboxed: auto (on the detector's GPU when it has one), cpu, or device (also on a CPU provider)", DefaultValueFactory = _ => "auto" };
        var embed = new Option<bool>("--embed") { Description = "add a MobileNetV2 appearance embedding per object (used by the tracker, written with --json)" };
        var rules = RulesOption.Create();
        var command = new Command("detect", "Detect and track objects in an image or video")
        {
            input, json, output, device, threads, model, labels, threshold, classThreshold, classes, detectFps, noMotion, denoise, preprocess, embed, rules,
        };
        command.SetAction((parse, _) => globals.RunAsync(parse, async () =>
        {
            if (!InferenceDevice.TryParse(parse.GetValue(device)!, out var inferenceDevice))
                throw new ArgumentException($"--device: expected auto, cpu, cuda[:N] or tensorrt[:N], got '{parse.GetValue(device)}'");
            if (!DenoiseSettings.TryParseMode(parse.GetValue(denoise)!, out var denoiseMode))
                throw new ArgumentException($"--denoise: expected none, gaussian, bilateral or nlmeans, got '{parse.GetValue(denoise)}'");
            if (!PreprocessModes.TryParse(parse.GetValue(preprocess)!, out var preprocessMode))
                throw new ArgumentException($"--preprocess: expected auto, cpu or device, got '{parse.GetValue(preprocess)}'");
            if (preprocessMode == PreprocessMode.Device && !PreprocessModes.OnDevice(denoiseMode))
                throw new ArgumentException($"--preprocess device: {denoiseMode.ToString().ToLowerInvariant()} denoising runs on the CPU only (use gaussian, or --preprocess cpu)");
            var defaults = new VisionConfig();
            var vision = defaults with
            {
                Enabled = true,
                Model = parse.GetValue(model)!,
                Labels = parse.GetValue(labels)!,
                Device = inferenceDevice,
                Threads = parse.GetValue(threads),
                Threshold = parse.GetValue(threshold),
                ClassThresholds = ParseClassThresholds(parse.GetValue(classThreshold) ?? []),
                Classes = (parse.GetValue(classes) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Denoise = defaults.Denoise with { Mode = denoiseMode },
                Preprocess = preprocessMode,
                Motion = defaults.Motion with { DetectFps = parse.GetValue(detectFps), MotionGating = !parse.GetValue(noMotion) },
                Embedding = parse.GetValue(embed),
                Rules = RulesOption.Read(parse, rules),
            };
            var path = parse.GetValue(input)!;
            var camera = new CameraConfig(ReplayCommand.CameraIdFrom(path), path, Pacing.AsFastAsPossible,
                new MediaSourceOptions { Audio = false, Subtitles = false }, QueueSettings.Replay) { Vision = vision };
            // Frame by frame to the writer, not fused: no records, no Kafka.
            var config = new PipelineConfig(null, null, [camera], TimeSpan.FromSeconds(1), PipelineConfig.DefaultDrainTimeout) { Kafka = new KafkaConfig { Enabled = false } };

            var file = parse.GetValue(output);
            await using var target = file is null ? null : new StreamWriter(file);
            var writer = new DetectionWriter(target ?? Console.Out, parse.GetValue(json) || file is not null && !file.EndsWith(".txt"), parse.GetValue(embed));
            var exitCode = await HostedRun.RunAsync(config, globals, parse, options => options.AnalysisSink = (_, analysis) => writer.WriteAsync(analysis),
                recordsOnStdout: target is null);
            foreach (var track in writer.Tracks.OrderBy(t => t.FirstSeen))
                globals.Logger.LogInformation("{Label} #{Track} present {First}s–{Last}s", track.Label, track.TrackId,
                    track.FirstSeen.ToString("F1", CultureInfo.InvariantCulture), track.LastSeen.ToString("F1", CultureInfo.InvariantCulture));
            return exitCode;
        }));
        return command;
    }

    private static Dictionary<string, float> ParseClassThresholds(IEnumerable<string> values)
    {
        var thresholds = new Dictionary<string, float>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = value.Split('=', 2);
            if (parts.Length != 2 || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || t is < 0 or > 1)
                throw new ArgumentException($"--class-threshold: expected LABEL=SCORE with a score from 0 to 1, got '{value}'");
            thresholds[parts[0].Trim()] = t;
        }
        return thresholds;
    }
}
