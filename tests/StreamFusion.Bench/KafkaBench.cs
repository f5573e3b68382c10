using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Confluent.Kafka;
using StreamFusion.Core.Metrics;
using StreamFusion.Fusion.Windows;
using StreamFusion.Kafka.Embedded;
using StreamFusion.Kafka.Publish;

namespace StreamFusion.Bench;

/// <summary>
/// `streamfusion bench kafka`: publish throughput and capture→ack latency of the detections publisher (spool on
/// disk, idempotent, acks=all) against the baseline a user would write, a plain Confluent producer with the same
/// settings and no spool, on the same broker in the same run.
/// </summary>
public static class KafkaBench
{
    private sealed record Result(string Name, double RecordsPerSecond, TimeSpan P50, TimeSpan P95, TimeSpan P99);

    public static async Task RunAsync(KafkaBenchOptions options, ILogger logger)
    {
        var connection = options.Connection;
        using var embedded = connection.UsesEmbeddedBroker ? new EmbeddedBroker() : null;
        var bootstrap = embedded?.BootstrapServers ?? connection.BootstrapServers!;
        var properties = connection.ClientProperties(bootstrap);
        var value = SampleRecord();
        var (count, perSecond, length) = (Math.Max(1, options.Records), Math.Max(1, options.Rate), TimeSpan.FromSeconds(Math.Max(0.5, options.Seconds)));
        var topic = options.Topic;
        var runs = new List<(string Kind, Result Result)>();
        foreach (var (kind, burst, pace) in new[] { ("throughput", count, 0), ("latency", (int)(perSecond * length.TotalSeconds), perSecond) })
        {
            var topics = (ours: $"{topic}.bench.{kind}.streamfusion", plain: $"{topic}.bench.{kind}.plain");
            embedded?.CreateTopic(topics.ours);
            embedded?.CreateTopic(topics.plain);
            runs.Add((kind, await Ours(logger, properties, topics.ours, value, burst, pace)));
            runs.Add((kind, await Plain(properties, topics.plain, value, burst, pace)));
        }
        Print(runs, value, bootstrap, embedded is not null, perSecond, options.Json);
    }

    /// <summary>A typical window record: two tracked objects, audio with 13 MFCC means, a short transcript.</summary>
    private static FusedRecord SampleRecord() => new("lobby@12.000", "lobby", 12, 13, DateTimeOffset.UtcNow,
        [new FusedObject("person", 0.91, [0.41, 0.22, 0.08, 0.31], 7), new FusedObject("backpack", 0.55, [0.43, 0.3, 0.04, 0.06], 9)],
        new FusedAudio(-23.4, 0.87, [new FusedEvent("impulse", 12.31, 12.36, 0.8)], Enumerable.Range(0, 13).Select(i => Math.Round(Math.Sin(i) * 10, 3)).ToList()),
        new FusedTranscript("help me please", ["help"]), 0.82, "high", ["person present (track 7, score 0.91)", "speech (p=0.87)", "keyword 'help'"],
        new IncidentState("lobby@11.000", "update", 11, ["person", "speech", "keyword"]));

    private static async Task<Result> Ours(ILogger logger, Dictionary<string, string> properties, string topic, FusedRecord template, int count, int rate)
    {
        var spool = Directory.CreateTempSubdirectory("streamfusion-bench-spool-").FullName;
        try
        {
            using var publisher = new DetectionPublisher(new PublisherSettings(topic, spool), properties, logger);
            var clock = await Drive(count, rate, () => publisher.Publish(DetectionMessages.From(template with { Wallclock = DateTimeOffset.UtcNow })),
                () => publisher.FlushAsync(TimeSpan.FromMinutes(5)));
            var s = publisher.Stats;
            return new Result("StreamFusion publisher (spool, idempotent, acks=all)", count / clock.TotalSeconds, s.LatencyP50, s.LatencyP95, s.LatencyP99);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    private static async Task<Result> Plain(Dictionary<string, string> properties, string topic, FusedRecord template, int count, int rate)
    {
        var config = new Dictionary<string, string>(properties)
        {
            ["enable.idempotence"] = "true", ["acks"] = "all", ["compression.type"] = "lz4", ["linger.ms"] = "5",
        };
        using var producer = new ProducerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var latency = new LatencyHistogram();
        var clock = await Drive(count, rate, () =>
        {
            var message = DetectionMessages.From(template with { Wallclock = DateTimeOffset.UtcNow });
            producer.Produce(topic, message.ToMessage(),
                report => { if (!report.Error.IsError) latency.Record(DateTimeOffset.UtcNow - message.CaptureTime); });
        }, () => Task.FromResult((long)producer.Flush(TimeSpan.FromMinutes(5))));
        return new Result("plain Confluent producer (same settings, no spool)", count / clock.TotalSeconds, latency.Percentile(0.5), latency.Percentile(0.95), latency.Percentile(0.99));
    }

    /// <summary>
    /// After one warm-up record (connection and producer id set up, as in a running pipeline), publishes count
    /// records as fast as possible (rate 0) or paced, then waits for every acknowledgement.
    /// </summary>
    private static async Task<TimeSpan> Drive(int count, int rate, Action publish, Func<Task<long>> flush)
    {
        publish();
        await flush();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (rate > 0 && TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed is { TotalMilliseconds: > 1 } ahead) await Task.Delay(ahead);
            publish();
        }
        if (await flush() > 0) throw new InvalidOperationException("the broker did not acknowledge every record within 5 minutes");
        return clock.Elapsed;
    }

    private static void Print(List<(string Kind, Result Result)> runs, FusedRecord sample, string bootstrap, bool embedded, int rate, bool json)
    {
        var size = DetectionMessages.From(sample).Value.Length;
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(runs.Select(r => new
            {
                run = r.Kind, variant = r.Result.Name, records_per_second = Math.Round(r.Result.RecordsPerSecond, 1),
                p50_ms = Math.Round(r.Result.P50.TotalMilliseconds, 2), p95_ms = Math.Round(r.Result.P95.TotalMilliseconds, 2), p99_ms = Math.Round(r.Result.P99.TotalMilliseconds, 2),
            })));
            return;
        }
        Console.Out.WriteLine($"kafka benchmark: {(embedded ? "embedded broker" : "broker")} at {bootstrap}, record of {size} bytes, {Environment.ProcessorCount} cores; latency = capture → broker ack; latency run at {rate} records/s");
        Console.Out.WriteLine($"{"run",-11} {"variant",-54} {"records/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"vs plain",9}");
        foreach (var group in runs.GroupBy(r => r.Kind))
        {
            var plain = group.Last().Result;
            foreach (var (kind, r) in group)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{kind,-11} {r.Name,-54} {r.RecordsPerSecond,10:F0} {r.P50.TotalMilliseconds,8:F2} {r.P95.TotalMilliseconds,8:F2} {r.P99.TotalMilliseconds,8:F2} " +
                    $"{(kind == "throughput" ? r.RecordsPerSecond / plain.RecordsPerSecond : plain.P99.TotalMilliseconds / Math.Max(r.P99.TotalMilliseconds, 1e-9)),8:F2}x"));
        }
    }
}
