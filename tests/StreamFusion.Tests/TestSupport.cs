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

/// <summary>The published record schema (schemas/streamfusion.detection.v1.schema.json), which every emitted record must match.</summary>
public static class RecordSchema
{
    private static readonly Lazy<NJsonSchema.JsonSchema> Detection = new(() => Load("streamfusion.detection.v1.schema.json"));
    private static readonly Lazy<NJsonSchema.JsonSchema> Clip = new(() => Load("streamfusion.clip.v1.schema.json"));

    public static void AssertValid(string record) => AssertValid(Detection.Value, record);

    public static void AssertValidClip(string message) => AssertValid(Clip.Value, message);

    private static void AssertValid(NJsonSchema.JsonSchema schema, string json)
    {
        var errors = schema.Validate(json);
        Assert.True(errors.Count == 0, $"does not match {schema.Title}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}\n{json}");
    }

    private static NJsonSchema.JsonSchema Load(string name) => NJsonSchema.JsonSchema.FromFileAsync(
        System.IO.Path.Combine(StreamFusion.Tests.Config.PipelineConfigTests.RepositoryRoot(), "schemas", name)).GetAwaiter().GetResult();
}

/// <summary>The CLI running in the background (a live pipeline), its output lines collected as they come.</summary>
public sealed class BackgroundCli : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [], _stderr = [];

    public BackgroundCli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "streamfusion.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_stdout) _stdout.Add(line); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_stderr) _stderr.Add(line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Stdout { get { lock (_stdout) return string.Join("\n", _stdout); } }
    public string Stderr { get { lock (_stderr) return string.Join("\n", _stderr); } }

    /// <summary>Whether it still runs or how it ended (a signal shows as 128 + its number), and the tail of its log: for failure messages.</summary>
    public string Describe()
    {
        var exited = _process.HasExited;
        if (exited) _process.WaitForExit(); // every line read
        var log = Stderr;
        return $"process {(exited ? $"exited with code {_process.ExitCode}" : "running")}; its log ends:\n{log[^Math.Min(3000, log.Length)..]}";
    }

    /// <summary>Waits for a line (stdout or stderr) matching the pattern and returns its match.</summary>
    public System.Text.RegularExpressions.Match WaitFor(string pattern, TimeSpan timeout)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exited = _process.HasExited;
            if (exited) _process.WaitForExit(); // every line read
            var match = regex.Match(Stdout + "\n" + Stderr);
            if (match.Success) return match;
            if (exited) Assert.Fail($"process exited ({_process.ExitCode}) without printing /{pattern}/:\n{Stdout}\n{Stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"no /{pattern}/ within {timeout}:\n{Stdout}\n{Stderr}");
            Thread.Sleep(50);
        }
    }

    /// <param name="signal">INT, TERM, KILL</param>
    public void Signal(string signal) => Processes.Tool("kill", $"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"still running after {timeout}:\n{Stdout}\n{Stderr}");
        _process.WaitForExit(); // flushes the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

public static class Waiting
{
    /// <summary>Polls until the condition holds, failing the test after the timeout.</summary>
    /// <param name="details">what to show when it times out (the tail of a process's log, say)</param>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what, Func<string>? details = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline) Assert.Fail($"timed out waiting for {what}\n{details?.Invoke()}");
            Thread.Sleep(20);
        }
    }
}

/// <summary>A logger that hands each formatted message to a callback (warnings a test asserts on).</summary>
public sealed class LineLogger(Action<string> line) : Microsoft.Extensions.Logging.ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) => line(formatter(state, exception));
}
