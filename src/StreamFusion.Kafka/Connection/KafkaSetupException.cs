namespace StreamFusion.Kafka.Connection;

/// <summary>A Kafka client could not be created from the configuration (unknown or invalid librdkafka property).</summary>
public sealed class KafkaSetupException(string message) : Exception(message);
