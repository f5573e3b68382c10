using System.CommandLine;
using StreamFusion.Inference;
using Microsoft.ML.OnnxRuntime;
using StreamFusion.Core.Assets;
using StreamFusion.Media;
using StreamFusion.Speech;
using StreamFusion.Speech.PocketSphinx;

namespace StreamFusion.Cli.Commands;

/// <summary>`streamfusion doctor`: checks native libraries, tools, execution providers and assets, with fixes.</summary>
public static class DoctorCommand
{
    private enum Level { Ok, Warn, Fail }

    private sealed record Check(Level Level, string Name, string Detail, string? Fix = null);

    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("doctor", "Check native libraries, models and execution providers, and say how to fix what is missing");
        command.SetAction((parse, cancellation) => globals.RunAsync(parse, async () =>
        {
            var checks = new List<Check>
            {
                Probe("FFmpeg shim", MediaLibrary.Versions, "run scripts/setup.sh (installs libav*-dev and rebuilds libsfmedia.so)"),
                Probe("OpenCV", () => $"OpenCvSharp {OpenCvSharp.Cv2.GetVersionString()}", "apt-get install libgtk-3-0 (OpenCvSharp's native library needs it)"),
                Probe("ONNX Runtime", OnnxProviders, "reinstall the Microsoft.ML.OnnxRuntime package (dotnet restore)"),
                Probe("librdkafka", () => $"librdkafka {Confluent.Kafka.Library.VersionString}", "reinstall the Confluent.Kafka package (dotnet restore)"),
            };
            checks.AddRange(CudaChecks());
            checks.Add(Speech());
            checks.Add(Whisper());
            checks.AddRange(new[] { "ffmpeg", "ffprobe", "kcat" }.Select(Tool));
            var locator = globals.Locator(parse);
            foreach (var entry in AssetCatalog.Entries)
                checks.Add(await AssetAsync(locator, entry, cancellation));
            foreach (var check in checks)
            {
                Console.Out.WriteLine($"{check.Level.ToString().ToLowerInvariant(),-5} {check.Name,-38} {check.Detail}");
                if (check.Fix is not null && check.Level != Level.Ok) Console.Out.WriteLine($"{"",-5} {"",-38} fix: {check.Fix}");
            }
            var failed = checks.Count(c => c.Level == Level.Fail);
            Console.Out.WriteLine(failed == 0 ? "doctor: all required parts present" : $"doctor: {failed} required part(s) missing");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static Check Probe(string name, Func<string> describe, string fix)
    {
        try
        {
            return new Check(Level.Ok, name, describe());
        }
        catch (Exception e)
        {
            var cause = e.InnerException ?? e;
            return new Check(Level.Fail, name, cause.Message.Split('\n')[0], fix);
        }
    }

    /// <summary>Speech is optional: a missing engine or model is a warning, not a failure.</summary>
    private static Check Speech()
    {
        try
        {
            using var engine = new PocketSphinxEngine(new PocketSphinxSettings { Keywords = new Dictionary<string, double> { ["help"] = PocketSphinxSettings.DefaultThreshold } });
            return new Check(Level.Ok, "speech", $"{engine.Name}, model {PocketSphinxSettings.DebianModelDirectory}");
        }
        catch (SpeechUnavailableException e)
        {
            return new Check(Level.Warn, "speech", e.Message, "apt-get install libpocketsphinx3 pocketsphinx-en-us");
        }
    }

    /// <summary>Whisper's runtime ships with StreamFusion; its models are the user's to download.</summary>
    private static Check Whisper()
    {
        try
        {
            var runtime = global::Whisper.net.WhisperFactory.GetRuntimeInfo()?.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
            return new Check(Level.Ok, "speech (whisper)", $"whisper.cpp runtime loads{(string.IsNullOrEmpty(runtime) ? "" : $" ({runtime})")}; models: a ggml file you download (speech.whisper.model)");
        }
        catch (Exception e)
        {
            return new Check(Level.Warn, "speech (whisper)", $"the whisper.cpp runtime does not load: {(e.InnerException ?? e).Message.Split('\n')[0]}", "apt-get install libgomp1");
        }
    }

    private static string OnnxProviders()
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        var gpu = providers.Any(p => p is "CUDAExecutionProvider" or "TensorrtExecutionProvider");
        return $"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, providers: {string.Join(", ", providers)}" +
               (gpu ? "" : " (the CPU package: build with -p:OnnxRuntimeGpu=true where the GPU package is available for CUDA/TensorRT)");
    }

    /// <summary>In a GPU build: each CUDA library its providers load, and where it was found. A GPU is optional: missing ones warn.</summary>
    private static IEnumerable<Check> CudaChecks()
    {
        if (!OnnxSessionFactory.GpuProviders().Any()) return [];
        return CudaLibraries.Probe().Select(l => l.Path is { } path
            ? new Check(Level.Ok, $"cuda {l.Name}", path)
            : new Check(Level.Warn, $"cuda {l.Name}", $"not found ({l.Provides}); GPU providers fall back to CPU",
                l.Name == "libcuda.so.1" ? "install the NVIDIA driver" : "install it (CUDA 13 / cuDNN 9 / TensorRT 10 packages, or pip nvidia-*) and add its lib folder to LD_LIBRARY_PATH"));
    }

    private static Check Tool(string name)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
        return found is null
            ? new Check(Level.Warn, $"tool {name}", "not on PATH (needed by tests and benchmarks only)", $"apt-get install {(name == "kcat" ? "kcat" : "ffmpeg")}")
            : new Check(Level.Ok, $"tool {name}", found);
    }

    private static async Task<Check> AssetAsync(AssetLocator locator, AssetEntry entry, CancellationToken cancellation)
    {
        var name = $"asset {entry.Name}";
        if (locator.TryFind(entry.Name) is not { } path)
        {
            var where = string.Join(", ", locator.Directories.Append(locator.CacheDirectory));
            return entry.Url is null
                ? new Check(Level.Warn, name, "missing", $"put it in one of: {where} (or pass --assets DIR)")
                : new Check(Level.Warn, name, "missing; downloaded from upstream on first use", $"or put it in one of: {where}");
        }
        var sha = await AssetLocator.Sha256Async(path, cancellation);
        return sha == entry.Sha256
            ? new Check(Level.Ok, name, path)
            : new Check(Level.Warn, name, $"{path} has SHA-256 {sha[..12]}…, expected {entry.Sha256[..12]}…", "replace it with the upstream file");
    }
}
