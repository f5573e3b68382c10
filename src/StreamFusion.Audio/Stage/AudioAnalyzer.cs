using Microsoft.Extensions.Logging;
using StreamFusion.Audio.Denoise;
using StreamFusion.Audio.Events;
using StreamFusion.Audio.Features;
using StreamFusion.Audio.Features.Gpu;
using StreamFusion.Audio.Sounds;
using StreamFusion.Audio.Vad;
using StreamFusion.Inference;
using StreamFusion.Media;
using StreamFusion.Media.Items;

namespace StreamFusion.Audio.Stage;

/// <summary>
/// Streaming audio analysis on the media clock: decoded chunks go in; MFCC frames (25/10 ms), voice activity
/// (32 ms chunks), levels and acoustic events come out, summarised per window. A jump in the input clock (a gap
/// in a live stream) restarts the framing at the new PTS. Scratch buffers are reused.
/// </summary>
public sealed class AudioAnalyzer : IDisposable
{
    private readonly AudioSettings _settings;
    private readonly MfccExtractor _mfcc;
    private readonly MfccBatcher? _gpuMfcc;   // null: MFCC on the CPU, frame by frame
    private readonly MfccDevices? _ownDevices; // when no process-wide ones were given
    private readonly IVoiceActivityDetector? _vad;
    private readonly SpeechSegmenter _segmenter = new();
    private readonly Queue<(double Pts, float Probability)> _recentSpeech = new(); // the last 2 s of VAD chunks
    private readonly AcousticEventDetector _events;
    private readonly AudioDenoiser? _denoiser;
    private readonly UtteranceCutter? _cutter;
    private readonly List<SpeechClip> _clips = []; // cut, waiting for the next window to carry them
    private readonly SoundListener? _sounds;
    private readonly SoundTagger? _tagger;
    private readonly List<SoundEvent> _soundsReported = [];
    private readonly List<SoundTagging> _tags = [];
    private readonly float[] _cepstra;
    private readonly double[] _previousLogMel;
    private readonly int _highBandFirstBin;
    private float[] _buffer = new float[16384];
    private int _count;             // samples in the buffer
    private int _mfccAt, _vadAt;    // next frame's first sample, as an index into the buffer
    private double _bufferPts = double.NaN;
    private bool _hasPreviousFrame;
    private readonly SortedDictionary<long, WindowAccumulator> _windows = [];
    private long _completedBefore = long.MinValue; // every window with a lower index has been returned

    /// <param name="vad">null skips voice activity (MFCC and events only)</param>
    /// <param name="tagger">the sound tagger, for <see cref="AudioSettings.Sounds"/></param>
    /// <param name="gpuMfcc">MFCC kernels shared with other cameras; null: the CPU path</param>
    public AudioAnalyzer(AudioSettings settings, IVoiceActivityDetector? vad, SoundTagger? tagger = null, MfccBatcher? gpuMfcc = null)
        : this(settings, vad, tagger, gpuMfcc, ownDevices: null)
    {
    }

    private AudioAnalyzer(AudioSettings settings, IVoiceActivityDetector? vad, SoundTagger? tagger, MfccBatcher? gpuMfcc, MfccDevices? ownDevices)
    {
        _settings = settings;
        (_gpuMfcc, _ownDevices) = (gpuMfcc, ownDevices);
        _mfcc = new MfccExtractor(settings.Mfcc);
        _vad = vad;
        _events = new AcousticEventDetector(settings.Events, SpeechNear);
        _cepstra = new float[settings.Mfcc.Cepstra];
        _previousLogMel = new double[settings.Mfcc.MelBins];
        _highBandFirstBin = settings.Mfcc.FirstMelBinAbove(2000);
        _denoiser = settings.Denoise.Enabled ? new AudioDenoiser(settings.Denoise, settings.Mfcc.SampleRate) : null;
        _cutter = settings.CutUtterances && vad is not null ? new UtteranceCutter(settings.Mfcc.SampleRate) : null;
        _tagger = tagger;
        if (settings.Sounds is { } sounds && tagger is not null)
            _sounds = new SoundListener(sounds, tagger, AudioSetLabels.Load(sounds.LabelsPath), settings.Mfcc.SampleRate);
    }

    /// <summary>The sound tagger's work so far: windows tagged, and windows too quiet to tag.</summary>
    public (long Tagged, long Quiet) SoundWindows => _sounds is null ? (0, 0) : (_sounds.Tagged, _sounds.Quiet);

    public string VadName => _vad?.Name ?? "none";
    public int SampleRate => _settings.Mfcc.SampleRate;

    /// <summary>Called with every MFCC frame (pts, cepstra); the span is only valid during the call.</summary>
    public Action<double, ReadOnlySpan<float>>? OnMfccFrame { get; set; }

    /// <summary>Where this camera computes MFCC: "cpu", or the GPU device its kernels run on.</summary>
    public string MfccDevice => _gpuMfcc?.Device ?? "cpu";

    /// <param name="sessions">where the sound tagger's session is shared with the process's other cameras</param>
    /// <param name="mfccDevices">where MFCC kernels are shared with the process's other cameras; null: this camera's own</param>
    public static AudioAnalyzer Load(AudioSettings settings, ILogger? logger = null, SharedSessions? sessions = null, MfccDevices? mfccDevices = null)
    {
        var ownDevices = mfccDevices is null && settings.MfccDevice.Kind != DeviceKind.Cpu ? new MfccDevices() : null;
        try
        {
            return Load(settings, logger, sessions, (mfccDevices ?? ownDevices)?.For(settings.Mfcc, settings.MfccDevice), ownDevices);
        }
        catch
        {
            ownDevices?.Dispose();
            throw;
        }
    }

    private static AudioAnalyzer Load(AudioSettings settings, ILogger? logger, SharedSessions? sessions, MfccBatcher? gpuMfcc, MfccDevices? ownDevices)
    {
        IVoiceActivityDetector vad;
        if (settings.VadModelPath is { } path) vad = SileroVad.Load(path, settings.Onnx, logger);
        else
        {
            logger?.LogWarning("no VAD model; using the energy fallback (louder-than-background, not voice)");
            vad = new EnergyVad();
        }
        SoundTagger? tagger = null;
        try
        {
            tagger = settings.Sounds is { } sounds ? SoundTagger.Load(sounds.ModelPath, sounds.Onnx, logger, sessions) : null;
            return new AudioAnalyzer(settings, vad, tagger, gpuMfcc, ownDevices);
        }
        catch
        {
            vad.Dispose();
            tagger?.Dispose();
            throw;
        }
    }

    /// <summary>Adds mono samples at the analysis rate starting at <paramref name="pts"/>; returns windows completed.</summary>
    public List<AudioWindow> Push(ReadOnlySpan<float> samples, double pts)
    {
        if (_denoiser is not null)
        {
            var (cleaned, cleanedPts) = _denoiser.Process(samples, pts);
            return Analyse(cleaned, cleanedPts);
        }
        return Analyse(samples, pts);
    }

    private List<AudioWindow> Analyse(ReadOnlySpan<float> samples, double pts)
    {
        var completed = new List<AudioWindow>();
        if (samples.IsEmpty) return completed;
        var expected = _bufferPts + _count / (double)SampleRate;
        if (double.IsNaN(_bufferPts) || Math.Abs(pts - expected) > 0.1)
        {
            _cutter?.Restart(_segmenter.OpenSince, _clips);
            _sounds?.Restart(pts, _soundsReported);
            _count = _mfccAt = _vadAt = 0;
            _bufferPts = pts;
        }
        Append(samples);
        RunVad(completed);
        if (_sounds is not null) _tags.AddRange(_sounds.Push(samples, pts, _soundsReported));
        var length = _settings.Mfcc.FrameLength;
        var shift = _settings.Mfcc.FrameShift;
        var (cepstraWidth, mels) = (_settings.Mfcc.Cepstra, _settings.Mfcc.MelBins);
        var frames = _mfccAt + length <= _count ? 1 + (_count - _mfccAt - length) / shift : 0;
        // On a GPU, every frame of this push at once (with the other cameras' frames waiting), then walked below.
        var (gpuCepstra, gpuLogMel) = _gpuMfcc is not null && frames > 0
            ? _gpuMfcc.Compute(_buffer.AsSpan(_mfccAt, (frames - 1) * shift + length).ToArray()) : (null, null);
        for (var f = 0; f < frames; f++)
        {
            var framePts = _bufferPts + _mfccAt / (double)SampleRate;
            var frame = _buffer.AsSpan(_mfccAt, length);
            ReadOnlySpan<float> cepstra = _cepstra;
            ReadOnlySpan<double> logMel;
            if (gpuCepstra is null)
            {
                _mfcc.Compute(frame, _cepstra);
                logMel = _mfcc.LastLogMel;
            }
            else
            {
                cepstra = gpuCepstra.AsSpan(f * cepstraWidth, cepstraWidth);
                logMel = gpuLogMel.AsSpan(f * mels, mels);
            }
            var level = Levels.RmsDb(frame.Slice((length - shift) / 2, shift)); // the 10 ms at the frame's centre
            var flux = SpectralFlux(logMel);
            var highBand = HighBandShare(logMel);
            OnMfccFrame?.Invoke(framePts, cepstra);
            Window(framePts).AddFrame(cepstra, level);
            foreach (var e in _events.Push(framePts, shift / (double)SampleRate, level, flux, highBand)) Window(e.Start).Events.Add(e);
            _mfccAt += shift;
        }
        if (_vad is null) _vadAt = _mfccAt;
        // A window is complete once both the MFCC frames and the VAD chunks have moved past its end.
        CompleteBefore(_bufferPts + Math.Min(_mfccAt, _vadAt) / (double)SampleRate, completed);
        Compact();
        return completed;
    }

    /// <summary>Voice activity runs ahead of the MFCC frames, so events can ask whether speech surrounds them.</summary>
    private void RunVad(List<AudioWindow> completed)
    {
        if (_vad is null) return;
        var chunk = _vad.ChunkSamples;
        while (_vadAt + chunk <= _count)
        {
            var chunkPts = _bufferPts + _vadAt / (double)SampleRate;
            var probability = _vad.Process(_buffer.AsSpan(_vadAt, chunk));
            Window(chunkPts).AddSpeech(probability);
            var segment = _segmenter.Push(chunkPts, chunk / (double)SampleRate, probability);
            if (segment is not null) Window(segment.Start).Speech.Add(segment);
            _cutter?.Push(_buffer.AsSpan(_vadAt, chunk), chunkPts, _segmenter.OpenSince, segment, _clips);
            _recentSpeech.Enqueue((chunkPts, probability));
            while (_recentSpeech.Count > 0 && _recentSpeech.Peek().Pts < chunkPts - 2) _recentSpeech.Dequeue();
            _vadAt += chunk;
        }
    }

    private float SpeechNear(double start, double end)
    {
        var chunkLength = (_vad?.ChunkSamples ?? 0) / (double)SampleRate;
        var highest = 0f;
        foreach (var (pts, probability) in _recentSpeech)
            if (pts < end && pts + chunkLength > start) highest = Math.Max(highest, probability);
        return highest;
    }

    /// <summary>Runs a whole file or stream's audio track (resampled to the analysis rate) through the analyzer.</summary>
    /// <returns>every window; none for media without audio</returns>
    public List<AudioWindow> AnalyseMedia(string uri, CancellationToken cancellation = default)
    {
        using var source = MediaSource.Open(uri, new MediaSourceOptions { Video = false, Subtitles = false, AudioSampleRate = SampleRate }, cancellation);
        using var stop = cancellation.Register(source.Interrupt);
        var windows = new List<AudioWindow>();
        while (source.ReadNext() is { } item)
            using (item)
                if (item is AudioChunk chunk) windows.AddRange(Push(chunk.Samples.Span, chunk.Pts));
        windows.AddRange(Finish());
        return windows;
    }

    /// <summary>Ends the stream: closes open events and segments and returns the last window.</summary>
    public List<AudioWindow> Finish()
    {
        var end = _bufferPts + _count / (double)SampleRate;
        var completed = new List<AudioWindow>();
        var segment = _segmenter.Finish();
        if (_cutter is not null)
        {
            _cutter.Push([], end, null, segment, _clips);
            _cutter.Restart(null, _clips);
        }
        if (_windows.Count == 0 && _clips.Count == 0) return completed;
        var last = _windows.Count > 0 ? _windows.Values.Last() : Window(end - 1e-6);
        foreach (var e in _events.Finish(end)) last.Events.Add(e);
        if (segment is not null) last.Speech.Add(segment);
        if (_sounds is not null) _tags.AddRange(_sounds.Finish(_soundsReported));
        CompleteBefore(double.PositiveInfinity, completed);
        return completed;
    }

    /// <summary>The accumulator of the window holding <paramref name="pts"/>; anything for an already returned window joins the oldest open one.</summary>
    private WindowAccumulator Window(double pts)
    {
        var index = Math.Max((long)Math.Floor(pts / _settings.WindowSeconds + 1e-9), _completedBefore);
        if (!_windows.TryGetValue(index, out var window))
            _windows[index] = window = new WindowAccumulator(index * _settings.WindowSeconds, (index + 1) * _settings.WindowSeconds, _settings.Mfcc.Cepstra);
        return window;
    }

    private void CompleteBefore(double pts, List<AudioWindow> completed)
    {
        while (_windows.Count > 0)
        {
            var (index, window) = _windows.First();
            if ((index + 1) * _settings.WindowSeconds > pts + 1e-9) break;
            var end = (index + 1) * _settings.WindowSeconds;
            completed.Add(window.Build() with
            {
                Utterances = TakeClips(), SpeechSettledBefore = _cutter?.SettledBefore ?? double.PositiveInfinity,
                Sounds = Take(_soundsReported, e => e.End <= end + 1e-9 || double.IsPositiveInfinity(pts)),
                Tags = Take(_tags, t => t.End <= end + 1e-9 || double.IsPositiveInfinity(pts)),
            });
            _windows.Remove(index);
            _completedBefore = index + 1;
        }
    }

    /// <summary>What a window carries of a list: the items due by its end, removed from the list.</summary>
    private static IReadOnlyList<T> Take<T>(List<T> items, Predicate<T> due)
    {
        if (items.Count == 0) return [];
        var taken = items.FindAll(due);
        items.RemoveAll(due);
        return taken;
    }

    private IReadOnlyList<SpeechClip> TakeClips()
    {
        if (_clips.Count == 0) return [];
        var clips = _clips.ToArray();
        _clips.Clear();
        return clips;
    }

    /// <summary>Share of the frame's mel energy above 2 kHz: high for broadband bursts, low for voiced speech.</summary>
    private float HighBandShare(ReadOnlySpan<double> logMel)
    {
        double high = 0, total = 0;
        for (var m = 0; m < logMel.Length; m++)
        {
            var energy = Math.Exp(logMel[m]);
            total += energy;
            if (m >= _highBandFirstBin) high += energy;
        }
        return total <= 0 ? 0 : (float)(high / total);
    }

    private float SpectralFlux(ReadOnlySpan<double> logMel)
    {
        double flux = 0;
        if (_hasPreviousFrame)
            for (var m = 0; m < logMel.Length; m++) flux += Math.Max(0, logMel[m] - _previousLogMel[m]);
        logMel.CopyTo(_previousLogMel);
        _hasPreviousFrame = true;
        return (float)flux;
    }

    private void Append(ReadOnlySpan<float> samples)
    {
        if (_count + samples.Length > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + samples.Length));
        samples.CopyTo(_buffer.AsSpan(_count));
        _count += samples.Length;
    }

    /// <summary>Drops samples both consumers are done with, keeping the buffer index 0 at <c>_bufferPts</c>.</summary>
    private void Compact()
    {
        var consumed = Math.Min(_mfccAt, _vadAt);
        if (consumed < 8192) return;
        _buffer.AsSpan(consumed, _count - consumed).CopyTo(_buffer);
        _count -= consumed;
        _mfccAt -= consumed;
        _vadAt -= consumed;
        _bufferPts += consumed / (double)SampleRate;
    }

    public void Dispose()
    {
        _vad?.Dispose();
        _tagger?.Dispose();
        _ownDevices?.Dispose();
    }

    private sealed class WindowAccumulator(double start, double end, int cepstra)
    {
        private readonly double[] _sum = new double[cepstra], _sumSquares = new double[cepstra];
        private int _frames, _chunks, _speechChunks;
        private double _power;
        private float _peakDb = Levels.Silence, _maxSpeech;

        public List<AcousticEvent> Events { get; } = [];
        public List<SpeechSegment> Speech { get; } = [];

        public void AddFrame(ReadOnlySpan<float> mfcc, float levelDb)
        {
            for (var c = 0; c < mfcc.Length; c++)
            {
                _sum[c] += mfcc[c];
                _sumSquares[c] += (double)mfcc[c] * mfcc[c];
            }
            _power += Math.Pow(10, levelDb / 10);
            _peakDb = Math.Max(_peakDb, levelDb);
            _frames++;
        }

        public void AddSpeech(float probability)
        {
            _chunks++;
            if (probability >= 0.5f) _speechChunks++;
            _maxSpeech = Math.Max(_maxSpeech, probability);
        }

        public AudioWindow Build()
        {
            var n = Math.Max(1, _frames);
            var mean = _sum.Select(s => (float)(s / n)).ToArray();
            var std = _sumSquares.Select((s, c) => (float)Math.Sqrt(Math.Max(0, s / n - mean[c] * (double)mean[c]))).ToArray();
            return new AudioWindow(start, end, _frames == 0 ? Levels.Silence : Levels.ToDb(_power / _frames), _peakDb, _maxSpeech,
                _chunks == 0 ? 0 : _speechChunks / (float)_chunks, mean, std, Events, Speech);
        }
    }
}
