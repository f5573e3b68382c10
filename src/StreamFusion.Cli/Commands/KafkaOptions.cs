using System.CommandLine;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Cli.Commands;

/// <summary>The Kafka connection options shared by the verbs that publish or consume.</summary>
public sealed class KafkaOptions
{
    public Option<string?> Bootstrap { get; } = new("--kafka") { Description = "bootstrap servers of a Kafka cluster (host:port[,host:port])" };

    public Option<string[]> Properties { get; } = new("--kafka-property", "-X")
    {
        Description = "librdkafka property as name=value, repeatable (security.protocol=SASL_SSL, sasl.mechanism=PLAIN, …)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> Topic { get; } = new("--topic") { Description = "detections topic", DefaultValueFactory = _ => PublisherSettings.DefaultTopic };

    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(Properties);
        command.Options.Add(Topic);
    }

    public KafkaConnection Connection(ParseResult parse)
    {
        var properties = new Dictionary<string, string>();
        foreach (var property in parse.GetValue(Properties) ?? [])
        {
            var split = property.IndexOf('=');
            if (split <= 0) throw new ArgumentException($"--kafka-property '{property}': expected name=value");
            properties[property[..split].Trim()] = property[(split + 1)..];
        }
        return new KafkaConnection(parse.GetValue(Bootstrap) is { Length: > 0 } bootstrap ? bootstrap : null, properties);
    }
}
