using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using StreamFusion.Hosting.Config;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion draw`: one frame with the scene rules drawn over it (and, with --detect, the tracked boxes), as a
/// PNG or JPEG, so zones and lines can be placed and checked by eye before deploying.
/// </summary>
public static class DrawCommand
{
    /// <summary>With --detect, frames tracked before the drawn one, so its boxes carry settled track ids.</summary>
    private const double TrackingLeadSeconds = 2;

    public static Command Create(GlobalOptions globals)
    {
        var media = new Argument<string>("media") { Description = "image, video or camera URL (path, URL or asset:media/NAME)" };
        var at = new Option<double>("--at") { Description = "media second of the frame to draw (the last frame if the input is shorter)" };
        var rules = RulesOption.Create();
        var detect = new Option<bool>("--detect") { Description = "also detect and track, and draw the boxes with labels and track ids" };
        var classes = new Option<string?>("--classes") { Description = "with --detect: only these labels, e.g. person,car" };
        var output = new Option<string>("--out") { Description = "the picture to write (.png or .jpg)", Required = true };
        var command = new Command("draw", "Draw a frame with zones, lines and masks (and detections) overlaid, to check where they are") { media, at, rules, detect, classes, output };
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            var file = parse.GetValue(output)!;
            if (Path.GetExtension(file).ToLowerInvariant() is not (".png" or ".jpg" or ".jpeg")) throw new ArgumentException($"--out: expected a .png or .jpg file, got '{file}'");
            if (parse.GetValue(at) < 0) throw new ArgumentException("--at must not be negative");
            var scene = RulesOption.Read(parse, rules);
            var assets = globals.Locator(parse);
            var uri = await assets.ResolveUriAsync(parse.GetValue(media)!, cancellation);
            VisionAnalyzer? vision = null;
            if (parse.GetValue(detect))
            {
                var config = new VisionConfig
                {
                    Enabled = true, Rules = scene,
                    Classes = (parse.GetValue(classes) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                };
                vision = VisionAnalyzer.Load(await config.ResolveAsync(assets, cancellation) with { Motion = StreamFusion.Vision.Motion.MotionSettings.EveryFrame }, globals.Logger);
            }
            else if (scene.Labels.Count > 0)
                scene.CheckLabels(StreamFusion.Vision.Detection.LabelMap.Load(await assets.ResolveUriAsync(VisionConfig.DefaultLabels, cancellation)));
            using (vision)
            {
                var (frame, analysis) = FrameAt(uri, parse.GetValue(at), vision, cancellation);
                using (frame)
                {
                    SceneOverlay.Draw(frame.Image, scene.Rules, analysis);
                    if (!Cv2.ImWrite(file, frame.Image)) throw new IOException($"could not write {file}");
                    globals.Logger.LogInformation("{File}: frame at {Pts}s ({Width}x{Height}), {Zones} zones, {Lines} lines, {Masks} masks{Objects}", file,
                        frame.Pts.ToString("F2", CultureInfo.InvariantCulture), frame.Image.Width, frame.Image.Height, scene.Rules.Zones.Count, scene.Rules.Lines.Count,
                        scene.Rules.Masks.Count, analysis is null ? "" : $", {analysis.Objects.Count} objects");
                }
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private sealed record DrawnFrame(Mat Image, double Pts) : IDisposable
    {
        public void Dispose() => Image.Dispose();
    }

    /// <summary>The first frame at or after <paramref name="at"/> (or the last one), tracked from a little before it.</summary>
    private static (DrawnFrame Frame, FrameAnalysis? Analysis) FrameAt(string uri, double at, VisionAnalyzer? vision, CancellationToken cancellation)
    {
        using var source = MediaSource.Open(uri, new MediaSourceOptions { Audio = false, Subtitles = false }, cancellation);
        if (source.Info.Video is null) throw new MediaFormatException($"{uri}: no video stream to draw on");
        DrawnFrame? kept = null;
        FrameAnalysis? analysis = null;
        while (source.ReadNext() is { } item)
        {
            cancellation.ThrowIfCancellationRequested();
            using (item)
            {
                if (item is not VideoFrame frame) continue;
                if (vision is not null && frame.Pts >= at - TrackingLeadSeconds)
                    analysis = vision.Track(vision.Detect(0, frame.Pixels.Span, frame.Width, frame.Height), frame.Pts, frame.Index, frame.Width, frame.Height);
                kept?.Dispose();
                kept = new DrawnFrame(Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels.ToArray()), frame.Pts);
                if (frame.Pts >= at - 1e-6) break;
            }
        }
        return (kept ?? throw new MediaFormatException($"{uri}: no video frame decoded"), analysis);
    }
}
