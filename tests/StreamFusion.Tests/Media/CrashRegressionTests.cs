namespace StreamFusion.Tests.Media;

/// <summary>
/// Every input the shim's fuzzer (tests/fuzz) crashed on, kept in tests/fuzz/regressions once fixed: decoding it
/// through the product's loop (video frames converted, audio resampled) ends cleanly or with a one-line bad-input
/// error, in a separate process, so a crash shows as a signal instead of taking the test run down.
/// </summary>
public class CrashRegressionTests
{
    public static TheoryData<string> Inputs()
    {
        var folder = Path.Combine(Config.PipelineConfigTests.RepositoryRoot(), "tests", "fuzz", "regressions");
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(folder).Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_fuzzer_crash_input_decodes_or_fails_cleanly(string name)
    {
        var path = Path.Combine(Config.PipelineConfigTests.RepositoryRoot(), "tests", "fuzz", "regressions", name);

        foreach (var args in new[] { new[] { "audio", path, "--vad-model", "none" }, ["probe", path, "--count-frames"], ["detect", path, "--json", "--no-motion-gate"] })
        {
            var result = Processes.Cli(args);
            Assert.True(result.ExitCode is 0 or 3, $"{string.Join(' ', args)}: exit {result.ExitCode}\n{result.Stderr}");
            Assert.DoesNotContain("   at ", result.Stderr);
        }
    }
}
