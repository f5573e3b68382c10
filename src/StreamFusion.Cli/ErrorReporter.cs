using StreamFusion.Core.Assets;
using StreamFusion.Core.Config;
using StreamFusion.Core.Pipeline;
using StreamFusion.Media;

namespace StreamFusion.Cli;

/// <summary>Turns any exception into one line on stderr and an exit code; stack traces only with --verbose.</summary>
public static class ErrorReporter
{
    public static int Report(Exception error, bool verbose)
    {
        var root = error is PipelineFailedException { InnerException: { } inner } && inner is MediaException or AssetNotFoundException ? inner : error;
        if (root is ConfigException config)
        {
            foreach (var line in config.Errors) Console.Error.WriteLine($"error: {line}");
        }
        else
        {
            var message = root is MediaException or AssetNotFoundException or PipelineFailedException
                ? root.Message
                : $"internal error ({root.GetType().Name}): {root.Message}";
            Console.Error.WriteLine($"error: {OneLine(message)}");
        }
        if (verbose) Console.Error.WriteLine(error);
        return ExitCode(root);
    }

    public static int ExitCode(Exception error) => error switch
    {
        ConfigException or ArgumentException => ExitCodes.BadUsage,
        MediaNetworkException => ExitCodes.Network,
        MediaNotFoundException or MediaFormatException or MediaTruncatedException or UnsupportedMediaException or AssetNotFoundException => ExitCodes.BadInput,
        _ => ExitCodes.Failure,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
