using Microsoft.Extensions.Logging;
using StreamFusion.Audio.Stage;
using StreamFusion.Core.Stages;
using StreamFusion.Fusion.Windows;
using StreamFusion.Fusion.Stage;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Records;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Media.Live;
using StreamFusion.Media.Stage;
using StreamFusion.Speech.Pool;
using StreamFusion.Speech.Stage;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Hosting.Cameras;

/// <summary>
/// One camera's stages joined by bounded edges: decode → route → vision and audio (each when enabled) → [speech] →
/// fuse → publish (when records are wanted), or → consume. Route counts every decoded item and sends frames, audio
/// and subtitle cues on; speech recognises the utterances audio cut and hands them to fuse as transcript; fuse
/// joins analyses, audio windows and transcript into window records; publish hands them to the run's record
/// delivery. Without fusion the consuming ends count what arrives and hand analyses to an
/// optional sink (the detect verb's writer).
/// </summary>
public sealed class CameraPipeline : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly DecodeStage _decode;
    private readonly VisionAnalyzer? _vision;
    private readonly AudioAnalyzer? _audio;
    private readonly FuseStage? _fuse;
    private readonly SpeechStage? _speech;
    private readonly ILogger _logger;
    private readonly SnapshotWriter? _snapshots;
    private readonly ClipRecorder? _clips;
    private CancellationToken _abort;

    /// <summary>
    /// Edges carrying audio hold at least this many chunks (about 1.5 s of AAC, 1024 samples a chunk): chunks are
    /// small and come in bursts, so an edge sized for frames would drop audio a live camera still has time for.
    /// </summary>
    private const int MinAudioChunks = 64;

    private CameraPipeline(CameraConfig camera, IMediaSource source, Func<CancellationToken, IMediaSource> reopen, VisionAnalyzer? vision, AudioAnalyzer? audio,
        SpeechEnginePool? speech, Func<FrameAnalysis, ValueTask>? analysisSink, IRecordSink? records, IReadOnlyList<TranscriptSegment> transcript, CameraHealth health,
        ILogger logger)
    {
        Camera = camera;
        _logger = logger;
        _vision = vision;
        _audio = audio;
        if (records?.Evidence is { Clips: not null } clipEvidence)
            _clips = new ClipRecorder(clipEvidence, camera.Id, () => _decode!.Source.Clips?.Extension ?? "mp4", pts => _decode!.Clock.WallTimeAt(pts),
                records.PublishClip, logger);
        _decode = new DecodeStage(source, camera.Pacing, reopen, camera.Reconnect, health, _clips?.Cutter, camera.CaptureTimeClock);
        _pipeline = new Pipeline($"camera '{camera.Id}'");
        var (capacity, policy) = (camera.Queues.Capacity, camera.Queues.Policy);
        // Drops happen where the slow consumers are: route only sorts items and never waits long, so its input never
        // needs to drop, and a burst of audio chunks there cannot push out the frame before them. Live, the vision
        // stage takes each frame at once and drops only among frames waiting for a detector: route may wait on it,
        // and a burst of frames is gated whole instead of racing the stage's wake-up on a dropping edge.
        var decoded = _pipeline.AddEdge<MediaItem>("decode→route", Math.Max(capacity, MinAudioChunks), EdgePolicy.Wait);
        _pipeline.AddBlockingSource("decode", stop => _decode.Run(decoded, stop), decoded);

        var frames = vision is null ? null : _pipeline.AddEdge<MediaItem>("route→vision", capacity, EdgePolicy.Wait);
        var sound = audio is null ? null : _pipeline.AddEdge<MediaItem>("route→audio", Math.Max(capacity, MinAudioChunks), policy);
        var fused = records is null ? null : _pipeline.AddEdge<FusedRecord>("fuse→publish", capacity, EdgePolicy.Wait);
        var hearsSpeech = fused is not null && audio is not null && speech is not null;
        if (fused is not null)
        {
            var fuser = new WindowFuser(records!.Fusion, camera.Id, video: vision is not null && source.Info.Video is not null,
                audio: audio is not null && source.Info.Audio is not null, transcript, pts => _decode.Clock.WallTimeAt(pts) ?? DateTimeOffset.UtcNow, speech: hearsSpeech,
                rules: vision is null ? null : camera.Vision.Rules.Rules, sounds: audio is not null && camera.Audio.Sounds is not null);
            _fuse = new FuseStage(fuser, fused, CountRecord);
            if (records!.Evidence is { } evidence && vision is not null)
            {
                vision.Keeper = new StreamFusion.Vision.Evidence.FrameKeeper(records.Fusion.WindowSeconds,
                    StreamFusion.Vision.Evidence.FrameKeeper.WindowsFor(records.Fusion.WindowSeconds, records.Fusion.HoldSeconds));
                _snapshots = new SnapshotWriter(evidence, camera.Id, vision.Keeper, camera.Vision.Rules.Rules);
            }
        }
        var route = new RouteStage(frames, sound, CountItem,
            _fuse is null ? null : (cue, abort) => _fuse.AddAsync(new TranscriptSegment(cue.Pts, cue.End, cue.Text, "subtitle"), abort));
        _pipeline.AddStage("route", abort => route.RunAsync(decoded, abort), [.. new IPipelineEdge?[] { frames, sound }.OfType<IPipelineEdge>()]);
        PipelineEdge<FrameAnalysis>? analysed = null;
        PipelineEdge<AudioWindow>? heard = null;
        if (vision is not null)
        {
            analysed = _pipeline.AddEdge<FrameAnalysis>("vision→next", capacity, EdgePolicy.Wait);
            _pipeline.AddStage("vision", abort => new VisionStage(vision, policy == EdgePolicy.DropOldest ? capacity : null).RunAsync(frames!, analysed, abort), analysed);
        }
        if (audio is not null)
        {
            var windows = _pipeline.AddEdge<AudioWindow>("audio→next", capacity, EdgePolicy.Wait);
            _pipeline.AddStage("audio", abort => new AudioStage(audio).RunAsync(sound!, windows, abort), windows);
            heard = windows;
        }
        if (hearsSpeech)
        {
            var (windows, recognised) = (heard!, _pipeline.AddEdge<AudioWindow>("speech→fuse", capacity, EdgePolicy.Wait));
            SpeechEngine = speech!.Name;
            _speech = new SpeechStage(speech, camera.Speech.Transcribes(records!.Fusion.Keywords),
                (utterance, abort) => _fuse!.AddAsync(TranscriptSegment.FromSpeech(utterance), abort));
            _pipeline.AddStage("speech", abort => _speech.RunAsync(windows, recognised, CountSpeech, abort), recognised);
            heard = recognised;
        }
        if (_fuse is not null)
        {
            _pipeline.AddStage("fuse", abort =>
            {
                _abort = abort;
                return _fuse.RunAsync(analysed, heard, CountAnalysis, CountAudio, abort);
            }, fused!);
            _pipeline.AddStage("publish", abort => PublishAsync(fused!, records!, abort));
            return;
        }
        if (analysed is not null) _pipeline.AddStage("consume-vision", abort => ConsumeAsync(analysed, CountAnalysis, analysisSink, abort));
        if (heard is not null) _pipeline.AddStage("consume-audio", abort => ConsumeAsync(heard, CountAudio, null, abort));
    }

    public CameraConfig Camera { get; }
    public MediaInfo Info => _decode.Source.Info;
    public MediaCounters Counters { get; } = new();
    public IReadOnlyList<IPipelineEdge> Edges => _pipeline.Edges;
    public double Position => _decode.Position;
    public DecodeStats DecodeStats => _decode.Source.Stats;
    public long Dropped => _pipeline.TotalDropped;
    public string? InferenceProvider => _vision?.Provider;
    public string? Preprocessing => _vision?.Preprocessing;
    public long BudgetSkipped => _vision?.BudgetSkipped ?? 0;
    public string? VoiceActivity => _audio?.VadName;
    public string? MfccDevice => _audio?.MfccDevice;
    /// <summary>This camera's speech recognition so far; null when it has none.</summary>
    public SpeechCounters? Speech => _speech?.Counters;
    public string? SpeechEngine { get; private set; }
    public CameraHealth Health => _decode.Health;
    public StageLatencies Latency { get; } = new();
    /// <summary>The scene rules' view after the last analysed frame: zone occupancy, line counts; null without rules.</summary>
    public SceneFrame? Scene { get; private set; }
    /// <summary>Incident clips completed so far; null without evidence clips.</summary>
    public long? ClipsReady => _clips?.Ready;

    /// <summary>
    /// With inference in the pipeline, "auto" decoder threads means one: single-threaded decoding outpaces the
    /// detector many times over, and frame threading would take cores from inference and add frames of latency
    /// (measured by `bench vision`: 0.84-0.90 of inference-only fps with one thread, 0.82-0.83 with FFmpeg's auto).
    /// </summary>
    public static MediaSourceOptions DecodeOptions(MediaSourceOptions decode, bool withVision) =>
        withVision && decode.DecoderThreads == 0 ? decode with { DecoderThreads = 1 } : decode;

    /// <summary>
    /// Opens the camera's source, then loads its models: a bad input fails first and alone, and media and model
    /// errors all surface here, before any stage starts.
    /// </summary>
    /// <param name="records">where fused records go; null: no fusion (the analyses go to <paramref name="analysisSink"/>)</param>
    /// <param name="transcript">sidecar transcript segments for the fusion stage</param>
    /// <param name="logger">the camera's logger (its scope names the camera)</param>
    /// <param name="sourceOpened">called once the source is open, before the models load</param>
    /// <param name="speech">the engines this camera's speech goes to; null: no speech recognition</param>
    internal static CameraPipeline Open(CameraConfig camera, string resolvedUri, VisionSettings? vision, AudioSettings? audio, Func<SpeechEnginePool>? speech,
        Func<FrameAnalysis, ValueTask>? analysisSink, IRecordSink? records, IReadOnlyList<TranscriptSegment> transcript, CameraHealth health, ILogger logger,
        InferenceSharing sharing, StreamFusion.Audio.Features.Gpu.MfccDevices? mfcc, Action sourceOpened, CancellationToken stop)
    {
        var options = DecodeOptions(camera.Decode, vision is not null);
        if (records?.Evidence?.Clips is { } clips)
            options = options with { ClipPreRoll = clips.RingFor(records.Fusion.WindowSeconds, records.Fusion.HoldSeconds) };
        IMediaSource Reopen(CancellationToken cancel) => MediaSource.Open(resolvedUri, options, cancel);
        var source = Reopen(stop);
        sourceOpened();
        VisionAnalyzer? visionAnalyzer = null;
        AudioAnalyzer? audioAnalyzer = null;
        try
        {
            visionAnalyzer = vision is null ? null : VisionAnalyzer.Load(vision, logger, sharing, camera.Id);
            var speechPool = audio is null || records is null ? null : speech?.Invoke();
            audioAnalyzer = audio is null ? null : AudioAnalyzer.Load(audio with { CutUtterances = speechPool is not null }, logger, sharing.Sessions, mfcc);
            return new CameraPipeline(camera, source, Reopen, visionAnalyzer, audioAnalyzer, speechPool, analysisSink, records, transcript, health, logger);
        }
        catch
        {
            source.Dispose();
            visionAnalyzer?.Dispose();
            audioAnalyzer?.Dispose();
            throw;
        }
    }

    public async Task<PipelineOutcome> RunAsync(CancellationToken stop, TimeSpan drainTimeout)
    {
        var outcome = await _pipeline.RunAsync(stop, drainTimeout).ConfigureAwait(false);
        if (_clips is not null) await _clips.DrainAsync().ConfigureAwait(false); // the clip cut at the end goes out with the records
        return outcome;
    }

    /// <summary>After a run: a cut input is an error even though everything before the cut went through.</summary>
    public void ThrowIfInputTruncated()
    {
        if (_decode.Truncation is { } truncated) throw truncated;
    }

    /// <summary>
    /// This camera's media time at a wall-clock instant, extrapolated from the last item read (its PTS and when
    /// it arrived); exact enough for live sources, meaningless for fast replay. Null before the first item.
    /// </summary>
    public double? MediaTimeAt(DateTimeOffset instant) => _decode.Clock.MediaTimeAt(instant);

    /// <summary>A transcript segment from outside the media (a live speech-to-text topic); corrections go out at once.</summary>
    public void AddTranscript(TranscriptSegment segment) => _fuse?.Add(segment, _abort);

    private async Task PublishAsync(PipelineEdge<FusedRecord> input, IRecordSink records, CancellationToken abort)
    {
        var published = new HashSet<(string Keyword, double Start)>(); // keyword hits already carried by a record
        await foreach (var fused in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            var record = fused;
            if (_snapshots?.For(fused) is var (snapshot, jpeg))
                record = record with { Snapshot = snapshot with { Topic = records.PublishSnapshot(fused, snapshot, jpeg) } };
            if (_clips?.For(fused) is { } clip) record = record with { Clip = clip };
            records.Write(record);
            if (record.Revision == 0) Latency.Record("publish", record.EndCaptured);
            foreach (var hit in record.Transcript.Hits)
                if (published.Add((hit.Keyword, hit.Start))) Latency.Record("keyword", _decode.Clock.WallTimeAt(hit.End));
            if (published.Count > 1000) published.RemoveWhere(h => h.Start < record.Start - 120);
        }
    }

    private void CountItem(MediaItem item)
    {
        Counters.Count(item);
        Latency.Record("route", _decode.Clock.WallTimeAt(item.Pts));
    }

    private void CountRecord(FusedRecord record)
    {
        Counters.Count(record);
        if (record.Revision == 0) Latency.Record("fuse", record.EndCaptured);
    }

    private void CountAnalysis(FrameAnalysis analysis)
    {
        Counters.Count(analysis);
        if (analysis.Scene is { } scene)
        {
            Scene = scene;
            foreach (var e in scene.Events) _logger.LogInformation("{SceneEvent}", e);
        }
        if (!analysis.EndOfStream) Latency.Record("vision", _decode.Clock.WallTimeAt(analysis.Pts));
    }

    private void CountSpeech(AudioWindow window) => Latency.Record("speech", _decode.Clock.WallTimeAt(window.End));

    private void CountAudio(AudioWindow window)
    {
        Counters.Count(window);
        Latency.Record("audio", _decode.Clock.WallTimeAt(window.End));
    }

    private static async Task ConsumeAsync<T>(PipelineEdge<T> input, Action<T> count, Func<T, ValueTask>? sink, CancellationToken abort)
    {
        await foreach (var result in input.Reader.ReadAllAsync(abort).ConfigureAwait(false))
        {
            count(result);
            // A skipped frame only matters for what the scene rules saw on it (a loiterer standing still).
            if (sink is not null && result is not FrameAnalysis { Carried: true, Scene: null or { Events.Count: 0 } }) await sink(result).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _fuse?.Dispose();
        _decode.Source.Dispose();
        _vision?.Dispose();
        _audio?.Dispose();
    }
}
