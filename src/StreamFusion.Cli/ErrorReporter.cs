using Microsoft.Extensions.Logging;
using StreamFusion.Core.Assets;
using StreamFusion.Core.Config;
using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Inference;

namespace StreamFusion.Cli;

/// <summary>Turns any exception into one line on stderr and an exit code; stack traces only with --verbose.</summary>
public static class ErrorReporter
{
    public static int Report(Exception error, bool verbose, ILogger logger)
    {
        var root = error is PipelineFailedException { InnerException: { } inner } && IsKnown(inner) ? inner : error;
        if (root is ConfigException config)
        {
            foreach (var line in config.Errors) logger.LogError("{Problem}", line);
        }
        else
        {
            var message = IsKnown(root) || root is PipelineFailedException
                ? root.Message
                : $"internal error ({root.GetType().Name}): {root.Message}";
            logger.LogError("{Problem}", OneLine(message));
        }
        if (verbose) logger.LogError("{Exception}", error);
        return ExitCode(root);
    }

    // Plain ArgumentExceptions are this program's own usage errors; derived ones (null, out of range) would be bugs.
    private static bool IsKnown(Exception error) =>
        error.GetType() == typeof(ArgumentException) || error is MediaException or AssetNotFoundException or ModelException or DeviceUnavailableException or FileNotFoundException
            or StreamFusion.Fusion.Transcripts.TranscriptFormatException or Confluent.Kafka.KafkaException
            or StreamFusion.Kafka.Connection.KafkaSetupException or StreamFusion.Kafka.Publish.SpoolUnavailableException
            or StreamFusion.Speech.SpeechUnavailableException or StreamFusion.Bench.BenchPrerequisiteException;

    public static int ExitCode(Exception error) => error switch
    {
        ConfigException or ArgumentException or StreamFusion.Kafka.Connection.KafkaSetupException => ExitCodes.BadUsage,
        Confluent.Kafka.KafkaException => ExitCodes.Network,
        DeviceUnavailableException => ExitCodes.DeviceUnavailable,
        ModelException or FileNotFoundException or StreamFusion.Fusion.Transcripts.TranscriptFormatException or StreamFusion.Speech.SpeechUnavailableException
            or StreamFusion.Bench.BenchPrerequisiteException => ExitCodes.BadInput,
        MediaNetworkException => ExitCodes.Network,
        MediaNotFoundException or MediaFormatException or MediaTruncatedException or UnsupportedMediaException or MediaAccessDeniedException or AssetNotFoundException => ExitCodes.BadInput,
        _ => ExitCodes.Failure,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
