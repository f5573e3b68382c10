using StreamFusion.Audio.Events;

namespace StreamFusion.Audio.Sounds;

/// <summary>
/// Slides the tagger over one camera's audio on the media clock: a window of <see cref="SoundSettings.WindowSeconds"/>
/// starts at every multiple of the hop; each is resampled to the model's rate and tagged, unless it is quieter than
/// <see cref="SoundSettings.MinDbfs"/> (then it costs nothing and ends any open event). Windows above a class's
/// threshold join into <see cref="SoundEvent"/>s.
/// </summary>
public sealed class SoundListener
{
    private readonly SoundSettings _settings;
    private readonly SoundTagger _tagger;
    private readonly AudioSetLabels _labels;
    private readonly int _rate, _windowSamples, _hopSamples;
    private readonly SoundEventJoiner _joiner;
    private float[] _buffer;
    private int _count;
    private double _bufferPts = double.NaN; // media time of _buffer[0]
    private double _nextStart;

    /// <param name="inputRate">the analysis rate of the audio pushed in: 16 kHz (doubled for the model) or 32 kHz</param>
    public SoundListener(SoundSettings settings, SoundTagger tagger, AudioSetLabels labels, int inputRate)
    {
        if (inputRate != SoundTagger.SampleRate && inputRate * 2 != SoundTagger.SampleRate)
            throw new ArgumentException($"sound tagging needs audio at 16 or 32 kHz, not {inputRate} Hz");
        if (labels.Names.Count != tagger.Classes)
            throw new ArgumentException($"the sound label file has {labels.Names.Count} labels, the model {tagger.Classes} classes");
        (_settings, _tagger, _labels, _rate) = (settings, tagger, labels, inputRate);
        _windowSamples = (int)Math.Round(settings.WindowSeconds * inputRate);
        _hopSamples = (int)Math.Round(settings.HopSeconds * inputRate);
        _buffer = new float[_windowSamples * 2];
        var indices = settings.Classes.Select(c => c.Labels.Select(l => labels.IndexOf(l) is >= 0 and var i ? i
            : throw new ArgumentException($"sound class '{c.Name}': '{l}' is not a label of the model")).ToArray()).ToList();
        _joiner = new SoundEventJoiner(settings.Classes, indices, labels, settings.TopLabels);
    }

    public long Tagged { get; private set; }
    /// <summary>Windows too quiet to tag.</summary>
    public long Quiet { get; private set; }

    /// <summary>Mono samples at the input rate from <paramref name="pts"/>; every window completed is tagged, and the events it started or ended are added to <paramref name="reported"/>.</summary>
    public List<SoundTagging> Push(ReadOnlySpan<float> samples, double pts, List<SoundEvent> reported)
    {
        var tagged = new List<SoundTagging>();
        if (double.IsNaN(_bufferPts)) Restart(pts, reported);
        if (_count + samples.Length > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + samples.Length));
        samples.CopyTo(_buffer.AsSpan(_count));
        _count += samples.Length;
        while (true)
        {
            var first = Math.Max(0, (int)Math.Round((_nextStart - _bufferPts) * _rate));
            if (first + _windowSamples > _count) break;
            TagWindow(_buffer.AsSpan(first, _windowSamples), tagged, reported);
        }
        Compact();
        return tagged;
    }

    /// <summary>
    /// End of input: audio left after the last full window (a hop or more of it, as in a clip shorter than a
    /// window) is tagged as a window padded with silence; then open events end.
    /// </summary>
    public List<SoundTagging> Finish(List<SoundEvent> reported)
    {
        var tagged = new List<SoundTagging>();
        var first = double.IsNaN(_bufferPts) ? _count : Math.Max(0, (int)Math.Round((_nextStart - _bufferPts) * _rate));
        if (_count - first >= _hopSamples)
        {
            var padded = new float[_windowSamples];
            _buffer.AsSpan(first, Math.Min(_count - first, _windowSamples)).CopyTo(padded);
            TagWindow(padded, tagged, reported);
        }
        _joiner.Finish(reported);
        return tagged;
    }

    private void TagWindow(ReadOnlySpan<float> window, List<SoundTagging> tagged, List<SoundEvent> reported)
    {
        var (start, end) = (_nextStart, _nextStart + _settings.WindowSeconds);
        _nextStart += _settings.HopSeconds;
        if (Levels.RmsDb(window) < _settings.MinDbfs)
        {
            Quiet++;
            _joiner.Add(start, end, null, reported);
            return;
        }
        var input = _rate == SoundTagger.SampleRate ? window.ToArray() : HalfBandUpsampler.Double(window);
        var (probabilities, embedding) = _tagger.Tag([input])[0];
        Tagged++;
        _joiner.Add(start, end, probabilities, reported);
        var top = Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).Take(_settings.TopLabels)
            .Select(i => new LabelScore(_labels.Names[i], MathF.Round(probabilities[i], 4))).ToList();
        tagged.Add(new SoundTagging(start, end, top, _settings.Embedding ? embedding : null));
    }

    /// <summary>
    /// A jump in the media clock (a gap in a live stream, found by the audio analyzer): open events end, windows
    /// start again at the next hop from <paramref name="pts"/>.
    /// </summary>
    public void Restart(double pts, List<SoundEvent> reported)
    {
        _joiner.Finish(reported);
        (_bufferPts, _count) = (pts, 0);
        _nextStart = Math.Ceiling(pts / _settings.HopSeconds - 1e-9) * _settings.HopSeconds + 0.0; // + 0.0: never -0
    }

    private void Compact()
    {
        var keepFrom = (int)Math.Round((_nextStart - _bufferPts) * _rate);
        if (keepFrom <= 0 || keepFrom < _hopSamples) return;
        keepFrom = Math.Min(keepFrom, _count);
        _buffer.AsSpan(keepFrom, _count - keepFrom).CopyTo(_buffer);
        _count -= keepFrom;
        _bufferPts += keepFrom / (double)_rate;
    }
}
