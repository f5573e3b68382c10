using System.Diagnostics;
using StreamFusion.Core.Assets;

namespace StreamFusion.Tests;

/// <summary>Real footage from the asset directory (../shared in development and CI), never copied into the repo.</summary>
public static class TestAssets
{
    private static readonly Lazy<AssetLocator> Locator = new(() => AssetLocator.FromEnvironment());

    public static string Media(string name) => Path(System.IO.Path.Combine("media", name));

    public static string Path(string name) =>
        Locator.Value.TryFind(name) ?? throw new FileNotFoundException(
            $"test asset '{name}' not found in {string.Join(", ", Locator.Value.Directories)}; set ${AssetLocator.EnvironmentVariable}");

    public static IEnumerable<string> AllMedia() =>
        Directory.GetFiles(System.IO.Path.GetDirectoryName(Media("vtest_480x360.avi"))!)
            .Where(f => !f.EndsWith(".txt") && !f.EndsWith(".align"))
            .Order();
}

/// <summary>A folder under /tmp removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("streamfusion-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

/// <summary>Runs independent tools (ffmpeg, ffprobe) and the streamfusion CLI as separate processes.</summary>
public static class Processes
{
    public static ProcessResult Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, byte[]? binaryStdout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    /// <summary>Raw stdout bytes of a tool (ffmpeg -f rawvideo -), failing the test if the tool fails.</summary>
    public static byte[] RunBinary(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        using var buffer = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {stderr.Result}");
        return buffer.ToArray();
    }

    public static void Tool(string file, params string[] args)
    {
        var result = Run(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {result.Stderr}");
    }

    /// <summary>The built CLI (copied beside the tests), run like a user runs it.</summary>
    public static ProcessResult Cli(params string[] args) => CliWithin(TimeSpan.FromMinutes(2), args);

    public static ProcessResult CliWithin(TimeSpan timeout, params string[] args) =>
        Run("dotnet", new[] { System.IO.Path.Combine(AppContext.BaseDirectory, "streamfusion.dll") }.Concat(args), timeout);
}
