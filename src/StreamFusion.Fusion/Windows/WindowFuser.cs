using System.Globalization;
using StreamFusion.Audio.Stage;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Speech;
using StreamFusion.Vision.Scene;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Fusion.Windows;

/// <summary>
/// Joins one camera's vision analyses, audio windows and transcript segments into fixed windows of the media clock.
/// A window is closed when every enabled modality has moved past its end (so slow modalities are waited for, and
/// replaying the same input gives the same windows), then scored, explained and passed through the incident
/// tracker. Records come out in window order.
/// </summary>
public sealed class WindowFuser
{
    private readonly FusionSettings _settings;
    private readonly string _camera;
    private readonly bool _video, _audio, _speech, _soundsOn;
    private readonly KeywordWatchList _keywords;
    private readonly IncidentTracker _incidents;
    private readonly SceneScoring _scene;
    private SceneFrame? _sceneBefore; // the scene after the last emitted window, for windows without frames
    private readonly Func<double, DateTimeOffset> _wallclockAt;
    private readonly SortedDictionary<long, Window> _open = [];
    private readonly SortedDictionary<long, Window> _emitted = []; // kept for corrections, within the horizon
    private readonly List<TranscriptSegment> _transcript = [];
    private double _videoWatermark = double.NegativeInfinity, _audioWatermark = double.NegativeInfinity, _speechWatermark = double.NegativeInfinity;
    private long _nextToEmit = long.MinValue;

    /// <param name="video">whether vision analyses will arrive (the fuser waits for them)</param>
    /// <param name="audio">whether audio windows will arrive</param>
    /// <param name="wallclockAt">when a media time was captured (the records' wallclock); default: now</param>
    /// <param name="speech">whether the audio windows' speech is recognised (windows wait for it, see <see cref="AudioWindow.SpeechSettledBefore"/>)</param>
    /// <param name="rules">the camera's scene rules: records carry its zones and lines, scored by their weights</param>
    /// <param name="sounds">whether the audio windows carry the sound tagger's events (records then have "sounds")</param>
    public WindowFuser(FusionSettings settings, string camera, bool video, bool audio, IEnumerable<TranscriptSegment>? transcript = null,
        Func<double, DateTimeOffset>? wallclockAt = null, bool speech = false, SceneRules? rules = null, bool sounds = false)
    {
        _soundsOn = sounds;
        _scene = new SceneScoring(rules ?? SceneRules.None, settings.RequiredZones);
        _speech = speech && audio;
        _settings = settings;
        _camera = camera;
        _video = video;
        _audio = audio;
        _keywords = new KeywordWatchList(settings.Keywords);
        _incidents = new IncidentTracker(camera, settings.IncidentThreshold);
        _wallclockAt = wallclockAt ?? (_ => DateTimeOffset.UtcNow);
        if (transcript is not null) _transcript.AddRange(transcript);
    }

    public List<FusedRecord> Add(FrameAnalysis analysis)
    {
        if (!analysis.EndOfStream)
        {
            var window = WindowAt(analysis.Pts);
            if (analysis.Scene is { } scene) window.Scene = scene;
            foreach (var o in analysis.Objects)
            {
                if (window.Objects.TryGetValue(o.TrackId, out var best) && best.Score >= o.Detection.Score) continue;
                var b = o.Detection.Box.Normalize(analysis.Width, analysis.Height);
                window.Objects[o.TrackId] = new FusedObject(o.Detection.Label, Math.Round(o.Detection.Score, 4),
                    [Math.Round(b.X, 5), Math.Round(b.Y, 5), Math.Round(b.Width, 5), Math.Round(b.Height, 5)], o.TrackId);
            }
        }
        if (analysis.Scene is { } seen)
            foreach (var e in seen.Events) WindowAt(e.Pts).SceneEvents.Add(e); // the end of stream's events go to the last open window
        _videoWatermark = Math.Max(_videoWatermark, analysis.Pts);
        return Emit();
    }

    public List<FusedRecord> Add(AudioWindow audio)
    {
        var window = WindowAt(audio.Start + 1e-9);
        window.Audio = audio;
        foreach (var e in audio.Events) WindowAt(e.Start).Events.Add(e); // events belong to the window they start in
        foreach (var sound in audio.Sounds) WindowAt(sound.Start).Sounds.Add(sound);
        if (audio.Tags.LastOrDefault(t => t.Embedding is not null) is { } tagged) window.SoundEmbedding = tagged.Embedding;
        _audioWatermark = Math.Max(_audioWatermark, audio.End);
        _speechWatermark = Math.Max(_speechWatermark, audio.SpeechSettledBefore);
        return Emit();
    }

    /// <summary>
    /// A transcript segment (subtitle cue, live speech-to-text). Windows not yet emitted simply include it; windows
    /// already emitted within the correction horizon come out again as corrections (next revision).
    /// </summary>
    public List<FusedRecord> Add(TranscriptSegment segment)
    {
        _transcript.Add(segment);
        var corrections = new List<FusedRecord>();
        foreach (var window in _emitted.Values)
        {
            var start = window.Index * _settings.WindowSeconds;
            if (segment.Start < start + _settings.WindowSeconds && segment.End > start)
            {
                window.Revision++;
                corrections.Add(Score(window, correction: true));
            }
        }
        return corrections;
    }

    /// <summary>End of input: emits every open window.</summary>
    public List<FusedRecord> Finish()
    {
        _videoWatermark = _audioWatermark = _speechWatermark = double.PositiveInfinity;
        var records = Emit();
        records.AddRange(CloseIncident());
        return records;
    }

    private Window WindowAt(double pts)
    {
        var index = (long)Math.Floor(pts / _settings.WindowSeconds + 1e-9);
        if (_nextToEmit == long.MinValue) _nextToEmit = index;
        index = Math.Max(index, _nextToEmit); // late data joins the oldest open window
        if (!_open.TryGetValue(index, out var window)) _open[index] = window = new Window(index);
        return window;
    }

    private List<FusedRecord> Emit()
    {
        var records = new List<FusedRecord>();
        if (_nextToEmit == long.MinValue) return records;
        double video = _video ? _videoWatermark : double.PositiveInfinity, audio = _audio ? _audioWatermark : double.PositiveInfinity;
        var slowest = Math.Min(video, audio);
        var fastest = _video && _audio ? Math.Max(video, audio) : slowest;
        var watermark = Math.Max(slowest, fastest - _settings.MaxLateness);
        var finishing = double.IsPositiveInfinity(slowest);
        var heard = _speech ? Math.Max(_speechWatermark, watermark - _settings.SpeechLateness) : double.PositiveInfinity;
        // Every window up to the watermark is emitted, empty ones included; at the end, up to the last with data.
        while (finishing ? _open.Count > 0 : (_nextToEmit + 1) * _settings.WindowSeconds + _settings.TranscriptLateness <= watermark + 1e-9 &&
                                             (_nextToEmit + 1) * _settings.WindowSeconds <= heard + 1e-9)
        {
            var window = _open.GetValueOrDefault(_nextToEmit) ?? new Window(_nextToEmit);
            _open.Remove(_nextToEmit);
            records.Add(Score(window, correction: false));
            _emitted[window.Index] = window;
            _nextToEmit++;
        }
        var horizon = (long)Math.Floor((_nextToEmit * _settings.WindowSeconds - _settings.CorrectionHorizon) / _settings.WindowSeconds);
        while (_emitted.Count > 0 && _emitted.Keys.First() < horizon) _emitted.Remove(_emitted.Keys.First());
        // Segments ending before the horizon can no longer touch any window: a live run must not keep them all.
        var forgetBefore = horizon * _settings.WindowSeconds;
        _transcript.RemoveAll(segment => segment.End <= forgetBefore);
        return records;
    }

    private List<FusedRecord> CloseIncident()
    {
        var end = _nextToEmit * _settings.WindowSeconds;
        var closing = _incidents.Next(end, 0, []);
        if (closing is null) return [];
        var scene = _scene.HasRules ? _scene.Score(_sceneBefore, []) : null; // the scene as it was left
        return [Build(new Window(_nextToEmit), 0, "none", [], closing) with { Zones = scene?.Zones, Lines = scene?.Lines }];
    }

    /// <param name="correction">a correction re-scores the window but leaves the incident lifecycle as it was</param>
    private FusedRecord Score(Window window, bool correction)
    {
        var start = window.Index * _settings.WindowSeconds;
        var end = start + _settings.WindowSeconds;
        var reasons = new List<(string Kind, string Text, double Contribution)>();
        var sceneState = window.Scene ?? _sceneBefore;
        if (!correction) _sceneBefore = sceneState;
        var stationary = sceneState?.Stationary;
        foreach (var group in window.Objects.Values.Where(o => stationary is null || !stationary.Contains(o.Track)).GroupBy(o => o.Label))
        {
            if (!_settings.ObjectWeights.TryGetValue(group.Key, out var weight)) continue;
            var best = group.MaxBy(o => o.Score)!;
            reasons.Add((group.Key, Invariant($"{group.Key} present (track {best.Track}, score {best.Score:F2})"), weight * best.Score));
        }
        if (window.Audio is { } audio)
        {
            if (audio.SpeechProbability >= 0.5)
                reasons.Add(("speech", Invariant($"speech (p={audio.SpeechProbability:F2})"), _settings.SpeechWeight * audio.SpeechProbability));
        }
        foreach (var sound in window.Sounds.GroupBy(s => s.Kind).Select(g => g.MaxBy(s => s.Score)!))
            reasons.Add(("sound:" + sound.Kind, Invariant($"{sound.Kind} ({sound.Score:F2})"), sound.Weight * sound.Score));
        foreach (var e in window.Events.GroupBy(e => e.Kind).Select(g => g.MaxBy(e => e.Score)!))
        {
            var weight = e.Kind == "impulse" ? _settings.ImpulseWeight : _settings.LoudWeight;
            reasons.Add((e.Kind, Invariant($"{e.Kind} at {e.Start:F2}s ({e.PeakDb:F0} dBFS)"), weight * e.Score));
        }
        var heard = _transcript.Where(s => s.Start < end && s.End > start).OrderBy(s => s.Start).ToList();
        var pieces = heard.Select(s => (s.Source, Text: s.Words.Count == 0 ? s.Text : WordsWithin(s, start, end))).ToList();
        var text = string.Join(" ", pieces.Select(p => p.Text).Where(t => t.Length > 0));
        var hits = TimedHits(heard, start, end);
        var untimed = string.Join(" ", heard.Where(s => s.Words.Count == 0).Select(s => s.Text)); // recognised words are placed by their times
        var inText = _keywords.IsEmpty || untimed.Length == 0 ? [] : _keywords.Find(untimed);
        var keywords = _settings.Keywords.Where(k => inText.Contains(k) || hits.Any(h => h.Keyword == k)).Distinct().ToList();
        if (keywords.Count > 0)
            reasons.Add(("keyword", $"keyword {string.Join(", ", keywords.Select(k => $"'{k}'"))}", _settings.KeywordWeight));
        var scene = _scene.HasRules ? _scene.Score(sceneState, window.SceneEvents) : null;
        if (scene is not null) reasons.AddRange(scene.Reasons);
        var score = 1 - reasons.Aggregate(1.0, (product, r) => product * (1 - Math.Clamp(r.Contribution, 0, 1)));
        score = Math.Round(score, 4);
        var severity = score >= _settings.HighSeverity ? "high" : score >= _settings.MediumSeverity ? "medium" : score >= _settings.LowSeverity ? "low" : "none";
        var incident = correction ? null : _incidents.Next(start, scene is { MayRaiseIncident: false } ? 0 : score, reasons.Select(r => r.Kind));
        var sources = pieces.Where(p => p.Text.Length > 0).Select(p => p.Source).Concat(hits.Count > 0 ? [TranscriptSegment.SpeechSource] : []).Distinct().ToList();
        var source = sources.Count == 0 ? null : string.Join("+", sources);
        var transcript = new FusedTranscript(TranscriptRedaction.Apply(_settings.Redaction, text, keywords), keywords, source, hits);
        return Build(window, score, severity, reasons.Select(r => r.Text).ToList(), incident, transcript) with { Zones = scene?.Zones, Lines = scene?.Lines };
    }

    private FusedRecord Build(Window window, double score, string severity, IReadOnlyList<string> reasons, IncidentState? incident, FusedTranscript? transcript = null)
    {
        var start = window.Index * _settings.WindowSeconds;
        FusedAudio? audio = window.Audio is { } a
            ? new FusedAudio(Math.Round(a.RmsDb, 1), Math.Round(a.SpeechProbability, 3),
                window.Events.Select(e => new FusedEvent(e.Kind, Math.Round(e.Start, 3), Math.Round(e.End, 3), Math.Round(e.Score, 3))).ToList(),
                a.MfccMean.Select(v => Math.Round((double)v, 3) + 0.0).ToList()) // + 0.0 turns -0 into 0
            {
                Sounds = _soundsOn ? window.Sounds : null, Embedding = window.SoundEmbedding,
            }
            : null;
        return new FusedRecord($"{_camera}@{Invariant($"{start:F3}")}", _camera, Math.Round(start, 6), Math.Round(start + _settings.WindowSeconds, 6), _wallclockAt(start),
            window.Objects.Values.OrderBy(o => o.Track).ToList(), audio, transcript ?? new FusedTranscript("", []), score, severity, reasons, incident, window.Revision)
        {
            EndCaptured = _wallclockAt(start + _settings.WindowSeconds),
        };
    }

    /// <summary>Recognised words are placed like keyword hits: in the window that holds their middle.</summary>
    private static string WordsWithin(TranscriptSegment segment, double start, double end) =>
        string.Join(" ", segment.Words.Where(w => (w.Start + w.End) / 2 is var middle && middle >= start && middle < end).Select(w => w.Word));

    /// <summary>
    /// Keyword hits of speech recognition in this window, by where their middle lies: spotted ones, and the
    /// watch-list in its timed words (one hit per keyword and moment, the spotter's when both found it).
    /// </summary>
    private List<FusedKeywordHit> TimedHits(List<TranscriptSegment> heard, double start, double end)
    {
        if (_keywords.IsEmpty) return [];
        var found = heard.SelectMany(s => s.Spotted.Select(h => _keywords.EntryFor(h.Keyword) is { } entry ? h with { Keyword = entry } : null).OfType<KeywordHit>())
            .Concat(heard.SelectMany(s => _keywords.FindIn(s.Words)))
            .Where(h => (h.Start + h.End) / 2 is var middle && middle >= start && middle < end);
        var hits = new List<FusedKeywordHit>();
        foreach (var hit in found)
            if (!hits.Any(h => h.Keyword == hit.Keyword && h.Start < hit.End && hit.Start < h.End))
                hits.Add(new FusedKeywordHit(hit.Keyword, Math.Round(hit.Start, 3), Math.Round(hit.End, 3), Math.Round(hit.Score, 3)));
        return hits;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class Window(long index)
    {
        public long Index { get; } = index;
        public Dictionary<int, FusedObject> Objects { get; } = [];
        public AudioWindow? Audio { get; set; }
        public List<StreamFusion.Audio.Events.AcousticEvent> Events { get; } = [];
        public List<StreamFusion.Audio.Sounds.SoundEvent> Sounds { get; } = [];
        public float[]? SoundEmbedding { get; set; }
        /// <summary>The scene after the window's last frame.</summary>
        public SceneFrame? Scene { get; set; }
        public List<SceneEvent> SceneEvents { get; } = [];
        public int Revision { get; set; }
    }
}
