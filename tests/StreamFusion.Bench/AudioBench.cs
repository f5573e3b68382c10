using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamFusion.Audio.Features;
using StreamFusion.Audio.Features.Gpu;
using StreamFusion.Media;
using StreamFusion.Core.Assets;

namespace StreamFusion.Bench;

/// <summary>
/// `streamfusion bench audio`: MFCC throughput on one core as a real-time factor, side by side with
/// torchaudio.compliance.kaldi.mfcc (one thread, float32) on the same samples in the same run
/// (tests/bench/mfcc_torchaudio.py through Debian's /usr/bin/python3); the GPU kernels (<see cref="GpuMfcc"/>) on
/// ILGPU's CPU accelerator and, where there is one, on a CUDA GPU, one camera's audio a pass and 16 cameras' in one;
/// then the sound tagger (<see cref="SoundTaggerBench"/>).
/// </summary>
public static class AudioBench
{
    public static async Task RunAsync(AudioBenchOptions options, AssetLocator assets, CancellationToken cancellation)
    {
        var path = await assets.ResolveUriAsync(options.File, cancellation);
        var repeats = Math.Max(1, options.Repeat);
        var samples = MediaSource.ReadAllAudio(path, 16000);
        var seconds = samples.Length / 16000.0;
        var extractor = new MfccExtractor(new MfccSettings());
        var ours = SecondsPerPass(() => extractor.ComputeAll(samples), repeats);

        Console.Out.WriteLine($"MFCC benchmark: {Path.GetFileName(path)}, {seconds:F1} s of audio, {extractor.FrameCount(samples.Length)} frames, one thread, mean of {repeats} passes");
        Console.Out.WriteLine($"{"implementation",-44} {"ms/pass",9} {"x real time",12} {"vs torchaudio",14}");
        var torch = Torchaudio(samples, repeats);
        Row("StreamFusion MfccExtractor", ours, seconds, torch);
        if (torch is { } t) Row("torchaudio compliance.kaldi.mfcc (float32)", t, seconds, t);
        else Console.Out.WriteLine($"torchaudio: not available to /usr/bin/python3: {PythonBaseline.InstallCommand(["python3-torchaudio"])} for the baseline row");
        Kernels(samples, seconds, repeats, torch);
        await SoundTaggerBench.RunAsync(path, options.SoundWindows, assets, cancellation);
    }

    /// <summary>
    /// Mean seconds per MFCC pass over the samples, after warming up for a second: .NET promotes hot code to its
    /// optimised tier after a short delay, and a pipeline that runs for hours only ever sees that tier.
    /// </summary>
    internal static double SecondsPerPass(Action pass, int passes)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(1)) pass();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < passes; i++) pass();
        return clock.Elapsed.TotalSeconds / passes;
    }

    /// <summary>
    /// The MFCC kernels: one camera's audio a pass, and several cameras' audio in one pass (per camera). ILGPU's CPU
    /// accelerator interprets them on every core, slowly: it is there to check them, so it gets few passes.
    /// </summary>
    private static void Kernels(float[] samples, double seconds, int repeats, double? torch)
    {
        var settings = new MfccSettings();
        var (cuda, whyNot) = MfccDevices.TryOpenCuda(settings, 0);
        if (cuda is null) Console.Out.WriteLine($"MFCC kernels on CUDA: {whyNot}");
        foreach (var (gpu, name, cameras, passes) in new[] { (GpuMfcc.OnCpuAccelerator(settings), "ILGPU CPU accelerator", 4, 1), (cuda, "CUDA", 64, repeats) })
        {
            if (gpu is null) continue;
            using (gpu)
            {
                var many = Enumerable.Repeat(samples, cameras).ToList();
                Row($"kernels, {name}, 1 camera", SecondsPerPass(() => gpu.ComputeAll([samples]), passes), seconds, torch);
                Row($"  {cameras} cameras in a pass, per camera", SecondsPerPass(() => gpu.ComputeAll(many), passes) / cameras, seconds, torch);
            }
        }
    }

    private static void Row(string name, double secondsPerPass, double audioSeconds, double? baseline) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-44} {secondsPerPass * 1000,9:F2} {audioSeconds / secondsPerPass,11:F0}x {(baseline is { } b ? $"{b / secondsPerPass:F2}x" : "-"),14}"));

    private static double? Torchaudio(float[] samples, int repeats)
    {
        var script = AssetLocator.FindRepositoryRoot(AppContext.BaseDirectory) is { } root ? Path.Combine(root, "tests/bench/mfcc_torchaudio.py") : null;
        if (script is null || !File.Exists(PythonBaseline.Python)) return null;
        var raw = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(raw, System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
            var info = new ProcessStartInfo(PythonBaseline.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { script, raw, repeats.ToString(CultureInfo.InvariantCulture) }) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? JsonDocument.Parse(output).RootElement.GetProperty("seconds").GetDouble() : null;
        }
        finally
        {
            File.Delete(raw);
        }
    }

}
