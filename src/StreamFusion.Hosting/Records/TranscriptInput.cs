using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Config;
using StreamFusion.Kafka.Connection;
using StreamFusion.Kafka.Transcripts;

namespace StreamFusion.Hosting.Records;

/// <summary>
/// Live transcript segments from a speech-to-text service's Kafka topic (kafka.transcript_topic), handed to the
/// camera each names, on that camera's media clock.
/// </summary>
public sealed class TranscriptInput : IDisposable
{
    private readonly TranscriptTopicReader _reader;

    private TranscriptInput(TranscriptTopicReader reader, string topic) => (_reader, Topic) = (reader, topic);

    public string Topic { get; }
    public long Received => _reader.Received;
    public long Malformed => _reader.Malformed;
    public long UnknownCamera => _reader.UnknownCamera;

    /// <returns>null when the config reads no transcript topic</returns>
    public static TranscriptInput? Start(KafkaConfig kafka, KafkaEndpoint endpoint, RunningCameras cameras, ILogger logger)
    {
        if (kafka.TranscriptTopic is not { } topic) return null;
        var reader = new TranscriptTopicReader(topic, kafka.Connection.ClientProperties(endpoint.BootstrapServers), kafka.TranscriptsFromBeginning,
            (camera, segment) => Deliver(cameras, camera, segment),
            (camera, instant) => cameras.Find(camera)?.MediaTimeAt(instant), logger);
        return new TranscriptInput(reader, topic);
    }

    /// <summary>For progress lines.</summary>
    public string Status() => string.Create(CultureInfo.InvariantCulture, $"transcripts={Received} malformed={Malformed}");

    public override string ToString() =>
        $"kafka: transcripts: {Received} segments read from {Topic}, {Malformed} malformed and {UnknownCamera} for other cameras skipped";

    private static bool Deliver(RunningCameras cameras, string camera, TranscriptSegment segment)
    {
        if (cameras.Find(camera) is not { } pipeline) return false;
        pipeline.AddTranscript(segment);
        return true;
    }

    public void Dispose() => _reader.Dispose();
}
