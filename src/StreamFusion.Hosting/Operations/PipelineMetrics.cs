using Prometheus;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Core.Metrics;
using StreamFusion.Media.Live;

namespace StreamFusion.Hosting.Operations;

/// <summary>
/// The Prometheus view of a run, read from the cameras and the publisher just before each scrape: per camera
/// state, reconnects, media time lost to outages, frames, fps, records, queue depth and drops per edge, capture→stage
/// latency quantiles; Kafka delivery, spool and capture→ack latency.
/// </summary>
public sealed class PipelineMetrics
{
    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];
    private readonly RunningCameras _cameras;
    private readonly Dictionary<string, (long Frames, DateTime At)> _lastFrames = [];
    private readonly Dictionary<(string Camera, string Zone), HashSet<string>> _zoneLabels = [];

    private readonly Gauge _batch, _state, _up, _fps, _queueDepth, _queueCapacity, _latency, _latencyCount, _kafkaWaiting, _kafkaSpoolBytes, _kafkaLatency;
    private readonly Counter _utterances, _speechSeconds, _speechDecodeSeconds, _keywordHits, _speechSkipped;
    private readonly Gauge _speechWaiting, _zoneObjects, _ringBytes, _ringSeconds;
    private readonly Counter _clips, _evidenceDeleted;
    private readonly Gauge _evidenceBytes;
    private readonly Counter _lineCrossings;
    private readonly Counter _reconnects, _gap, _frames, _analysed, _budgetSkipped, _records_, _incidents, _dropped, _kafkaRecords, _kafkaOutages, _transcripts;

    public PipelineMetrics(RunningCameras cameras)
    {
        _cameras = cameras;
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        string[] camera = ["camera"];
        _state = f.CreateGauge("streamfusion_camera_state", "1 for the camera's current state (connecting, live, stalled, backing-off, ended, failed)", [.. camera, "state"]);
        _up = f.CreateGauge("streamfusion_camera_up", "1 while the camera's source delivers (live), else 0", camera);
        _reconnects = f.CreateCounter("streamfusion_camera_reconnects_total", "times the source came back after a failure, end or stall", camera);
        _gap = f.CreateCounter("streamfusion_camera_gap_seconds_total", "media time lost to outages", camera);
        _frames = f.CreateCounter("streamfusion_frames_total", "decoded video frames", camera);
        _analysed = f.CreateCounter("streamfusion_analysed_frames_total", "frames the detector ran on", camera);
        _budgetSkipped = f.CreateCounter("streamfusion_budget_skipped_frames_total", "frames not analysed because the camera was over its share of inference.max_detect_fps", camera);
        _records_ = f.CreateCounter("streamfusion_records_total", "fused window records (corrections included)", camera);
        _incidents = f.CreateCounter("streamfusion_incidents_total", "incidents started", camera);
        _fps = f.CreateGauge("streamfusion_decode_fps", "decoded frames per second since the previous scrape", camera);
        _queueDepth = f.CreateGauge("streamfusion_queue_depth", "items waiting on an edge between stages", [.. camera, "edge"]);
        _queueCapacity = f.CreateGauge("streamfusion_queue_capacity", "capacity of an edge", [.. camera, "edge"]);
        _dropped = f.CreateCounter("streamfusion_dropped_total", "items dropped by a drop-oldest edge (consumer behind)", [.. camera, "edge"]);
        _latency = f.CreateGauge("streamfusion_latency_seconds", "capture to the end of a stage (route, vision, audio, fuse, publish), quantiles over the run", [.. camera, "stage", "quantile"]);
        _latencyCount = f.CreateGauge("streamfusion_latency_samples", "samples behind streamfusion_latency_seconds", [.. camera, "stage"]);
        _kafkaRecords = f.CreateCounter("streamfusion_kafka_records_total", "records by what happened to them (accepted, delivered, spooled, resent, recovered, rejected, refused)", ["outcome"]);
        _kafkaWaiting = f.CreateGauge("streamfusion_kafka_waiting_records", "records not yet acknowledged by the broker (memory and spool)");
        _kafkaSpoolBytes = f.CreateGauge("streamfusion_kafka_spool_bytes", "undelivered bytes in the spool");
        _kafkaOutages = f.CreateCounter("streamfusion_kafka_outages_total", "times the broker stopped acknowledging for longer than the stall notice");
        _kafkaLatency = f.CreateGauge("streamfusion_kafka_ack_latency_seconds", "capture of a window's end to broker acknowledgement, quantiles over the run", ["quantile"]);
        _batch = f.CreateGauge("streamfusion_inference_batch_frames", "items (frames, sound windows) per inference run of a shared model, on average", ["model"]);
        _transcripts = f.CreateCounter("streamfusion_transcript_segments_total", "segments from the transcript topic (read, malformed, unknown_camera)", ["outcome"]);
        _utterances = f.CreateCounter("streamfusion_speech_utterances_total", "utterances the camera's speech recognition decoded", camera);
        _speechSeconds = f.CreateCounter("streamfusion_speech_seconds_total", "seconds of speech decoded", camera);
        _speechDecodeSeconds = f.CreateCounter("streamfusion_speech_decode_seconds_total", "seconds spent decoding speech (over streamfusion_speech_seconds_total: the real-time factor)", camera);
        _keywordHits = f.CreateCounter("streamfusion_speech_keyword_hits_total", "watch-list phrases spotted in speech", camera);
        _speechSkipped = f.CreateCounter("streamfusion_speech_skipped_total", "work skipped over the speech budget: transcription (keywords still spotted) or whole utterances", [.. camera, "what"]);
        _speechWaiting = f.CreateGauge("streamfusion_speech_waiting_utterances", "utterances waiting for a decoder of the speech budget (speech.threads)");
        _zoneObjects = f.CreateGauge("streamfusion_zone_objects", "objects inside a zone (scene rules), by label", [.. camera, "zone", "label"]);
        _lineCrossings = f.CreateCounter("streamfusion_line_crossings_total", "objects that crossed a line (scene rules), by direction", [.. camera, "line", "direction"]);
        _ringBytes = f.CreateGauge("streamfusion_clip_ring_bytes", "compressed packets held back for evidence clips (about bitrate x pre-roll)", camera);
        _ringSeconds = f.CreateGauge("streamfusion_clip_ring_seconds", "media time those packets span", camera);
        _clips = f.CreateCounter("streamfusion_clips_total", "incident clips complete under the evidence folder", camera);
        _evidenceBytes = f.CreateGauge("streamfusion_evidence_bytes", "what the evidence folder holds (after the last retention sweep)");
        _evidenceDeleted = f.CreateCounter("streamfusion_evidence_deleted_total", "incident folders deleted by evidence.retain");
        Registry.AddBeforeCollectCallback(Update);
        DotNetStats.Register(Registry); // process memory, CPU, GC and thread counts, for spotting leaks and overload
    }

    public CollectorRegistry Registry { get; }

    private void Update()
    {
        foreach (var health in _cameras.Health)
        {
            var id = health.Camera;
            var current = health.State;
            foreach (var state in Enum.GetValues<CameraState>()) _state.WithLabels(id, state.Name()).Set(state == current ? 1 : 0);
            _up.WithLabels(id).Set(current == CameraState.Live ? 1 : 0);
            _reconnects.WithLabels(id).IncTo(health.Reconnects);
            _gap.WithLabels(id).IncTo(health.GapSeconds);
        }
        foreach (var camera in _cameras.Pipelines)
        {
            var id = camera.Camera.Id;
            var c = camera.Counters;
            _frames.WithLabels(id).IncTo(c.VideoFrames);
            _analysed.WithLabels(id).IncTo(c.AnalysedFrames);
            _budgetSkipped.WithLabels(id).IncTo(camera.BudgetSkipped);
            _records_.WithLabels(id).IncTo(c.Records);
            _incidents.WithLabels(id).IncTo(c.Incidents);
            var now = DateTime.UtcNow;
            if (_lastFrames.TryGetValue(id, out var last) && now > last.At)
                _fps.WithLabels(id).Set((c.VideoFrames - last.Frames) / (now - last.At).TotalSeconds);
            _lastFrames[id] = (c.VideoFrames, now);
            foreach (var edge in camera.Edges)
            {
                _queueDepth.WithLabels(id, edge.Name).Set(edge.Counters.Depth);
                _queueCapacity.WithLabels(id, edge.Name).Set(edge.Counters.Capacity);
                _dropped.WithLabels(id, edge.Name).IncTo(edge.Counters.Dropped);
            }
            if (camera.Speech is { } speech)
            {
                _utterances.WithLabels(id).IncTo(speech.Utterances);
                var (heard, decoding) = speech.Seconds;
                _speechSeconds.WithLabels(id).IncTo(heard);
                _speechDecodeSeconds.WithLabels(id).IncTo(decoding);
                _keywordHits.WithLabels(id).IncTo(speech.KeywordHits);
                _speechSkipped.WithLabels(id, "transcription").IncTo(speech.TranscriptionSkipped);
                _speechSkipped.WithLabels(id, "utterance").IncTo(speech.UtterancesSkipped);
            }
            if (camera.ClipsReady is { } clips)
            {
                var stats = camera.DecodeStats;
                _ringBytes.WithLabels(id).Set(stats.RingBytes);
                _ringSeconds.WithLabels(id).Set(stats.RingSeconds);
                _clips.WithLabels(id).IncTo(clips);
            }
            if (camera.Scene is { } scene) UpdateScene(id, scene, camera.Camera.Vision.Rules.Rules);
            foreach (var stage in StageLatencies.Stages)
            {
                var histogram = camera.Latency[stage];
                _latencyCount.WithLabels(id, stage).Set(histogram.Count);
                if (histogram.Count > 0) SetQuantiles(histogram, q => _latency.WithLabels(id, stage, q));
            }
        }
        if (_cameras.Speech is { } sharing) _speechWaiting.Set(sharing.Budget.Waiting);
        foreach (var (model, average) in _cameras.Sharing?.Sessions?.AverageBatches ?? new Dictionary<string, double>())
            _batch.WithLabels(model).Set(average);
        foreach (var (device, average) in _cameras.Mfcc?.AverageBatches ?? new Dictionary<string, double>())
            _batch.WithLabels($"mfcc {device}").Set(average);
        if (_cameras.Delivery?.Stats is { } k)
        {
            foreach (var (outcome, value) in new[] { ("accepted", k.Accepted), ("delivered", k.Delivered), ("spooled", k.Spooled), ("resent", k.Resent),
                         ("recovered", k.Recovered), ("rejected", k.Rejected), ("refused", k.Refused) })
                _kafkaRecords.WithLabels(outcome).IncTo(value);
            _kafkaWaiting.Set(k.Waiting);
            _kafkaSpoolBytes.Set(k.SpoolBytes);
            _kafkaOutages.IncTo(k.Outages);
            if (_cameras.Delivery.AckLatency is { Count: > 0 } ack) SetQuantiles(ack, q => _kafkaLatency.WithLabels(q));
        }
        if (_cameras.Delivery?.Retention is { } retention)
        {
            _evidenceBytes.Set(retention.Bytes);
            _evidenceDeleted.IncTo(retention.Deleted.Incidents);
        }
        if (_cameras.Transcripts is { } t)
        {
            _transcripts.WithLabels("read").IncTo(t.Received);
            _transcripts.WithLabels("malformed").IncTo(t.Malformed);
            _transcripts.WithLabels("unknown_camera").IncTo(t.UnknownCamera);
        }
    }

    private void UpdateScene(string camera, StreamFusion.Vision.Scene.SceneFrame scene, StreamFusion.Vision.Scene.SceneRules rules)
    {
        foreach (var zone in scene.Zones)
        {
            // Every label the zone names, and any seen in it since, so an emptied zone reads 0 rather than its last count.
            var labels = _zoneLabels.TryGetValue((camera, zone.Name), out var known) ? known : _zoneLabels[(camera, zone.Name)] = [.. rules.Zones.First(z => z.Name == zone.Name).Objects];
            labels.UnionWith(zone.Occupants.Select(o => o.Label));
            foreach (var label in labels) _zoneObjects.WithLabels(camera, zone.Name, label).Set(zone.Occupants.Count(o => o.Label == label));
        }
        foreach (var line in scene.Lines)
        {
            _lineCrossings.WithLabels(camera, line.Name, "in").IncTo(line.In);
            _lineCrossings.WithLabels(camera, line.Name, "out").IncTo(line.Out);
        }
    }

    private static void SetQuantiles(LatencyHistogram histogram, Func<string, Gauge.Child> gauge)
    {
        foreach (var q in Quantiles)
            gauge(q.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(histogram.Percentile(q).TotalSeconds);
    }
}
