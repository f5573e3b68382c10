using System.CommandLine;
using StreamFusion.Cli.Hosting;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Operations;
using StreamFusion.Core.Stages;
using StreamFusion.Fusion.Windows;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Media;
using StreamFusion.Media.Live;
using StreamFusion.Media.Stage;

namespace StreamFusion.Cli.Commands;

/// <summary>
/// What `replay` and `live` share: one camera through the whole pipeline (decode → vision, audio → fusion → Kafka),
/// built from command-line options instead of a pipeline file.
/// </summary>
public sealed class SingleCameraOptions
{
    private readonly Option<string?> _camera = new("--camera") { Description = "camera id for the records (default: from the file or URL)" };
    private readonly Option<int> _width = new("--width") { Description = "output frame width (0 = native)" };
    private readonly Option<int> _height = new("--height") { Description = "output frame height (0 = native)" };
    private readonly Option<int> _audioRate = new("--audio-rate") { Description = "audio sample rate", DefaultValueFactory = _ => 16000 };
    private readonly Option<bool> _noAudio = new("--no-audio") { Description = "do not decode audio" };
    private readonly Option<bool> _noSubtitles = new("--no-subtitles") { Description = "do not decode subtitle streams" };
    private readonly Option<int> _queue;
    private readonly Option<string> _policy;
    private readonly Option<double> _interval = new("--stats-interval") { Description = "seconds between stats lines", DefaultValueFactory = _ => 1.0 };
    private readonly Option<string?> _transcript = new("--transcript") { Description = "sidecar transcript: .srt, .vtt or .align (GRID word timings)" };
    private readonly Option<string?> _output = new("--out") { Description = "also write the fused records (JSON lines, schemas/streamfusion.detection.v1) to this file" };
    private readonly Option<string?> _keywords = new("--keywords") { Description = "watch list for the transcript (and --speech), e.g. help,police,fire" };
    private readonly Option<string> _redact = new("--redact") { Description = "transcript text in records: none, keywords or full", DefaultValueFactory = _ => "none" };
    private readonly Option<bool> _noVision = new("--no-vision") { Description = "skip detection and tracking" };
    private readonly Option<string?> _rules = RulesOption.Create();
    private readonly Option<string?> _evidence = new("--evidence") { Description = "write incident evidence under this folder: CAMERA/INCIDENT/start.jpg and best.jpg (boxes drawn), clip.mp4 (5 s before to 5 s after) and clip.json once it is complete" };
    private readonly KafkaOptions _kafka = new();
    private readonly SpeechOptions _speech = new();
    private readonly Option<bool> _noKafka = new("--no-kafka") { Description = "do not publish to Kafka (records only with --out)" };
    private readonly Option<string?> _spool = new("--spool") { Description = "folder keeping records the broker has not acknowledged (default: per cluster and topic under ~/.local/state/streamfusion)" };
    private readonly Option<double> _flushTimeout = new("--flush-timeout") { Description = "seconds to wait at the end for the broker to acknowledge everything", DefaultValueFactory = _ => 30 };
    private readonly Option<string?> _metrics = new("--metrics") { Description = "serve Prometheus /metrics and /health on this address, e.g. 127.0.0.1:9464" };

    /// <param name="queues">edge capacity and policy by default: lossless for replay, fresh for live</param>
    public SingleCameraOptions(QueueSettings queues)
    {
        _queue = new Option<int>("--queue") { Description = "capacity of each edge", DefaultValueFactory = _ => queues.Capacity };
        _policy = new Option<string>("--policy") { Description = "full-queue policy: wait (lossless) or drop-oldest (bounded latency)", DefaultValueFactory = _ => EdgePolicyNames.Name(queues.Policy) };
        _policy.AcceptOnlyFromAmong("wait", "drop-oldest");
        _redact.AcceptOnlyFromAmong("none", "keywords", "full");
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _camera, _width, _height, _audioRate, _noAudio, _noSubtitles, _queue, _policy, _interval, _transcript, _output,
                     _keywords, _redact, _noVision, _rules, _evidence, _noKafka, _spool, _flushTimeout, _metrics })
            command.Options.Add(option);
        _kafka.AddTo(command);
        _speech.AddTo(command);
    }

    /// <summary>Builds the one-camera pipeline from the options and runs it to its end (or a stop).</summary>
    public async Task<int> RunAsync(ParseResult parse, GlobalOptions globals, string uri, Pacing pacing, ReconnectPolicy reconnect,
        Func<MediaSourceOptions, MediaSourceOptions>? decodeOverrides = null, bool keepServing = false)
    {
        if (parse.GetValue(_queue) < 1) throw new ArgumentException("--queue must be at least 1");
        if (parse.GetValue(_interval) <= 0) throw new ArgumentException("--stats-interval must be greater than 0");
        if (parse.GetValue(_flushTimeout) < 0) throw new ArgumentException("--flush-timeout must not be negative");
        EdgePolicyNames.TryParse(parse.GetValue(_policy), out var edgePolicy);
        var decode = new MediaSourceOptions
        {
            VideoWidth = parse.GetValue(_width),
            VideoHeight = parse.GetValue(_height),
            AudioSampleRate = parse.GetValue(_audioRate),
            Audio = !parse.GetValue(_noAudio),
            Subtitles = !parse.GetValue(_noSubtitles),
        };
        var camera = new CameraConfig(parse.GetValue(_camera) ?? ReplayCommand.CameraIdFrom(uri), uri, pacing, decodeOverrides?.Invoke(decode) ?? decode,
            new QueueSettings(parse.GetValue(_queue), edgePolicy))
        {
            Vision = new VisionConfig { Enabled = !parse.GetValue(_noVision), Rules = RulesOption.Read(parse, _rules) },
            Audio = new AudioConfig { Enabled = !parse.GetValue(_noAudio) },
            TranscriptFile = parse.GetValue(_transcript),
            Reconnect = reconnect,
        };
        TranscriptRedaction.TryParse(parse.GetValue(_redact)!, out var redaction);
        var fusion = new FusionSettings
        {
            Keywords = (parse.GetValue(_keywords) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Redaction = redaction,
        };
        camera = _speech.Apply(parse, camera, fusion.Keywords);
        var publishing = new KafkaConfig
        {
            Enabled = !parse.GetValue(_noKafka),
            Connection = _kafka.Connection(parse),
            Topic = parse.GetValue(_kafka.Topic)!,
            SpoolDirectory = parse.GetValue(_spool) is { } folder ? Path.GetFullPath(folder) : null,
            FlushTimeout = TimeSpan.FromSeconds(parse.GetValue(_flushTimeout)),
        };
        var config = new PipelineConfig(null, null, [camera], TimeSpan.FromSeconds(parse.GetValue(_interval)), PipelineConfig.DefaultDrainTimeout)
        {
            Metrics = parse.GetValue(_metrics) is { } address ? MetricsAddress.Parse(address) : null,
            Fusion = fusion,
            RecordsFile = parse.GetValue(_output),
            Kafka = publishing,
            AlwaysFuse = true,
            Evidence = parse.GetValue(_evidence) is { } evidence ? StreamFusion.Hosting.Records.EvidenceSettings.InFolder(Path.GetFullPath(evidence)) : null,
        };
        return await HostedRun.RunAsync(config, globals, parse, options => options.KeepServing = keepServing);
    }
}
