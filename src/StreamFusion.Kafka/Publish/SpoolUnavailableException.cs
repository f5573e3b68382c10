namespace StreamFusion.Kafka.Publish;

/// <summary>The spool directory is unusable: locked by another process, or not writable.</summary>
public sealed class SpoolUnavailableException(string message) : Exception(message);
