using Confluent.Kafka;

namespace StreamFusion.Kafka.Connection;

/// <summary>A topic's partitions, from the cluster's metadata: readers that want every partition assign them directly.</summary>
public static class TopicPartitions
{
    /// <param name="properties">connection properties only (consumer settings would draw librdkafka warnings)</param>
    /// <returns>the partition ids; empty when the topic does not exist (yet)</returns>
    public static IReadOnlyList<int> Lookup(IReadOnlyDictionary<string, string> properties, string topic, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(properties).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, timeout);
        var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.IsError) return [];
        return found.Partitions.Select(p => p.PartitionId).Order().ToList();
    }
}
