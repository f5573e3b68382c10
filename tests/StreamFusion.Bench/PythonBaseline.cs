using System.Diagnostics;

namespace StreamFusion.Bench;

/// <summary>A benchmark's Python baseline cannot run here: the message is the one apt command that fixes it.</summary>
public sealed class BenchPrerequisiteException(string message) : Exception(message);

/// <summary>What the Python baselines need from Debian's /usr/bin/python3 (not a pyenv python3), checked before a bench starts.</summary>
internal static class PythonBaseline
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The Debian packages whose modules /usr/bin/python3 cannot import (empty when all import).</summary>
    /// <param name="modules">module name → the Debian package that provides it</param>
    public static List<string> MissingPackages(IReadOnlyDictionary<string, string> modules)
    {
        if (!File.Exists(Python)) return ["python3", .. modules.Values];
        var missing = new List<string>();
        foreach (var (module, package) in modules)
        {
            var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", $"import {module}" }) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            process.WaitForExit();
            if (process.ExitCode != 0) missing.Add(package);
        }
        return missing;
    }

    public static string InstallCommand(IEnumerable<string> packages) => $"apt-get install {string.Join(' ', packages.Distinct())}";
}
