using System.CommandLine;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamFusion.Cli.Output;
using StreamFusion.Kafka.Connection;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// `streamfusion tail`: consumes the detections topic and prints one line per record (or the raw JSON). Without
/// --group every partition is assigned directly and nothing is committed; with --group it joins that consumer group.
/// </summary>
public static class TailCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var kafka = new KafkaOptions();
        var camera = new Option<string[]>("--camera") { Description = "only these cameras (repeatable)" };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "start at the oldest record instead of new ones" };
        var json = new Option<bool>("--json") { Description = "print each record's JSON as it is" };
        var group = new Option<string?>("--group") { Description = "consume in this consumer group (committing offsets) instead of reading every partition" };
        var max = new Option<int>("--max") { Description = "stop after this many records (0 = no limit)" };
        var exitAtEnd = new Option<bool>("--exit-at-end") { Description = "stop once every partition is read to its end" };
        var status = new Option<bool>("--status") { Description = $"print camera state changes from the status topic ({StreamFusion.Hosting.Config.KafkaConfig.DefaultStatusTopic} unless --topic) instead of records" };
        var snapshots = new Option<string?>("--snapshots")
        {
            Description = $"save incident snapshots from the snapshots topic ({StreamFusion.Hosting.Config.KafkaConfig.DefaultSnapshotsTopic} unless --topic) under this folder as CAMERA/INCIDENT/KIND.jpg, and print clip-ready messages",
        };
        var command = new Command("tail", "Print detection records (or camera status, or save snapshots) from Kafka as they arrive") { camera, fromBeginning, json, group, max, exitAtEnd, status, snapshots };
        kafka.AddTo(command);
        command.SetAction((parse, _) => globals.RunAsync(parse, () => Task.Run(() =>
        {
            var connection = kafka.Connection(parse);
            if (connection.BootstrapServers is null)
                throw new ArgumentException("--kafka HOST:PORT is required (a running pipeline prints its embedded broker's address)");
            var statusOnly = parse.GetValue(status);
            var snapshotFolder = parse.GetValue(snapshots) is { } folder ? Path.GetFullPath(folder) : null;
            if (statusOnly && snapshotFolder is not null) throw new ArgumentException("--status and --snapshots read different topics: choose one");
            var defaultTopic = statusOnly ? StreamFusion.Hosting.Config.KafkaConfig.DefaultStatusTopic
                : snapshotFolder is not null ? StreamFusion.Hosting.Config.KafkaConfig.DefaultSnapshotsTopic : null;
            var topic = defaultTopic is not null && parse.GetResult(kafka.Topic) is null or { Implicit: true } ? defaultTopic : parse.GetValue(kafka.Topic)!;
            var cameras = (parse.GetValue(camera) ?? []).ToHashSet();
            using var shutdown = new ShutdownSignal(globals.Logger);
            var properties = connection.ClientProperties(connection.BootstrapServers);
            var partitionLookup = new Dictionary<string, string>(properties);
            properties["group.id"] = parse.GetValue(group) ?? "streamfusion-tail";
            properties["enable.auto.commit"] = parse.GetValue(group) is null ? "false" : "true";
            properties["auto.offset.reset"] = parse.GetValue(fromBeginning) ? "earliest" : "latest";
            properties["enable.partition.eof"] = parse.GetValue(exitAtEnd) ? "true" : "false";
            using var consumer = new ConsumerBuilder<string?, byte[]>(properties).SetLogHandler((_, _) => { }).Build();
            var partitions = Assign(consumer, partitionLookup, topic, parse.GetValue(group) is not null, parse.GetValue(fromBeginning));
            var (printed, atEnd) = (0, new HashSet<int>());
            while (!shutdown.Token.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null) continue;
                if (result.IsPartitionEOF)
                {
                    atEnd.Add(result.Partition.Value);
                    if (partitions > 0 && atEnd.Count >= partitions) break;
                    continue;
                }
                atEnd.Remove(result.Partition.Value);
                if (cameras.Count > 0 && !cameras.Contains(result.Message.Key ?? "")) continue;
                Console.Out.WriteLine(snapshotFolder is null ? Render(result.Message.Value, parse.GetValue(json), statusOnly) : SnapshotMessage.Save(result.Message, snapshotFolder));
                if (++printed == parse.GetValue(max)) break;
            }
            consumer.Close();
            return ExitCodes.Ok;
        })));
        return command;
    }

    /// <returns>partitions assigned (0 in a group, where the group decides)</returns>
    private static int Assign(IConsumer<string?, byte[]> consumer, Dictionary<string, string> connection, string topic, bool inGroup, bool fromBeginning)
    {
        if (inGroup)
        {
            consumer.Subscribe(topic);
            return 0;
        }
        IReadOnlyList<int> partitions;
        try
        {
            partitions = TopicPartitions.Lookup(connection, topic, TimeSpan.FromSeconds(10));
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"kafka: no topic metadata from {connection["bootstrap.servers"]} ({e.Error.Reason})"));
        }
        if (partitions.Count == 0) throw new ArgumentException($"topic '{topic}' does not exist at {connection["bootstrap.servers"]}");
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, fromBeginning ? Offset.Beginning : Offset.End)));
        return partitions.Count;
    }

    private static string Render(byte[]? value, bool raw, bool status)
    {
        var text = value is null ? "" : Encoding.UTF8.GetString(value);
        if (raw) return text;
        try
        {
            using var record = JsonDocument.Parse(text);
            return status ? StatusLine(record.RootElement) : RecordLine.Format(record.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return $"(not a {(status ? "camera status message" : "detection record")}: {text[..Math.Min(text.Length, 80)]})";
        }
    }

    /// <summary>"2026-12-02T04:30:01.120Z gate backing-off: … (reconnects 1, 3.2 s missed)"</summary>
    private static string StatusLine(JsonElement s) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{s.GetProperty("time").GetString()} {s.GetProperty("camera").GetString()} {s.GetProperty("state").GetString()}" +
        $"{(s.GetProperty("reason").GetString() is { } reason ? ": " + reason : "")} (reconnects {s.GetProperty("reconnects").GetInt64()}, {s.GetProperty("gap_seconds").GetDouble():F1} s missed)");
}
