namespace StreamFusion.Audio.Events;

/// <summary>
/// Finds events in a stream of 10 ms analysis frames (level in dBFS and spectral flux).
/// Impulse: the level jumps by ImpulseRiseDb within 20 ms to ImpulseAboveBackgroundDb over the slow-moving
/// background (and above ImpulseMinDb) with positive spectral flux, and then decays by ImpulseDecayDb from its peak
/// within ImpulseMaxDecay, with at least ImpulseMinHighBand of its energy above 2 kHz: claps, knocks, bangs and
/// breaking glass are broadband and die away fast, while voiced speech onsets rise as sharply but sit low and sustain.
/// Consonant bursts (/t/, /k/, /s/) look like that too, so while speech is active an impulse must stand
/// ImpulseOverSpeechDb above the speech around it, the recent peak and the next ImpulseSettle seconds alike, as
/// a bang or shot over talking does; impulses are therefore reported ImpulseSettle after their onset.
/// Sustained-loud: stretches at or above LoudDb lasting LoudMinLength (gaps up to LoudMaxGap bridged).
/// </summary>
/// <param name="speechNear">the highest speech probability the VAD gave within the span (start, end)</param>
public sealed class AcousticEventDetector(EventSettings settings, Func<double, double, float>? speechNear = null)
{
    private float _speechPeakDb = Levels.Silence;
    private readonly float[] _recent = [Levels.Silence, Levels.Silence];
    private float _backgroundDb = float.NaN;
    private (double Start, float Peak, float Rise, double? DecayedAt, float After)? _candidate;
    private (double Start, double LastLoud, float Peak, double SumDb, int Frames)? _loud;

    /// <param name="highBand">share of the frame's energy above 2 kHz</param>
    public IEnumerable<AcousticEvent> Push(double pts, double frameDuration, float levelDb, float flux, float highBand)
    {
        var events = new List<AcousticEvent>();
        var background = float.IsNaN(_backgroundDb) ? levelDb : _backgroundDb;
        if (_candidate is { DecayedAt: { } decayedAt } decayed)
        {
            // Decayed: wait to hear what follows, then judge against the speech around it.
            var after = Math.Max(decayed.After, levelDb);
            _candidate = decayed with { After = after };
            if (pts - decayed.Start >= settings.ImpulseSettle)
            {
                var duringSpeech = speechNear?.Invoke(decayed.Start - 0.032, pts) >= 0.5f;
                if (!duringSpeech || decayed.Peak >= Math.Max(_speechPeakDb, after) + settings.ImpulseOverSpeechDb)
                    events.Add(new AcousticEvent("impulse", decayed.Start, decayedAt, Math.Min(1, decayed.Rise / 30), decayed.Peak));
                _candidate = null;
            }
        }
        else if (_candidate is { } candidate)
        {
            var peak = Math.Max(candidate.Peak, levelDb);
            if (peak - levelDb >= settings.ImpulseDecayDb)
                _candidate = candidate with { Peak = peak, DecayedAt = pts, After = Levels.Silence };
            else if (pts - candidate.Start > settings.ImpulseMaxDecay)
                _candidate = null; // still loud: a sustained sound, not an impulse
            else
                _candidate = candidate with { Peak = peak };
        }
        else
        {
            var rise = levelDb - Math.Min(_recent[0], _recent[1]);
            if (rise >= settings.ImpulseRiseDb && levelDb - background >= settings.ImpulseAboveBackgroundDb && levelDb >= settings.ImpulseMinDb && flux > 0
                && highBand >= settings.ImpulseMinHighBand)
                _candidate = (pts, levelDb, rise, null, Levels.Silence);
        }

        if (levelDb >= settings.LoudDb)
            _loud = _loud is { } l ? (l.Start, pts + frameDuration, Math.Max(l.Peak, levelDb), l.SumDb + levelDb, l.Frames + 1) : (pts, pts + frameDuration, levelDb, levelDb, 1);
        else if (_loud is { } quiet && pts - quiet.LastLoud > settings.LoudMaxGap && CloseLoud() is { } loud)
            events.Add(loud);

        // Recent speech level: the peak while the VAD says speech, decaying slowly afterwards.
        if (speechNear?.Invoke(pts, pts + frameDuration) >= 0.5f && _candidate is null) _speechPeakDb = Math.Max(_speechPeakDb, levelDb);
        else _speechPeakDb = Math.Max(Levels.Silence, _speechPeakDb - 0.05f);
        // The background follows the level slowly, and not at all while a candidate impulse is open.
        if (_candidate is null) _backgroundDb = float.IsNaN(_backgroundDb) ? levelDb : _backgroundDb + 0.02f * (levelDb - _backgroundDb);
        (_recent[0], _recent[1]) = (_recent[1], levelDb);
        return events;
    }

    public IEnumerable<AcousticEvent> Finish(double pts)
    {
        if (_candidate is { DecayedAt: { } decayedAt } decayed && speechNear?.Invoke(decayed.Start - 0.032, pts) is not >= 0.5f)
            yield return new AcousticEvent("impulse", decayed.Start, decayedAt, Math.Min(1, decayed.Rise / 30), decayed.Peak);
        _candidate = null;
        if (CloseLoud() is { } loud) yield return loud;
    }

    private AcousticEvent? CloseLoud()
    {
        var loud = _loud;
        _loud = null;
        if (loud is not { } l || l.LastLoud - l.Start < settings.LoudMinLength) return null;
        var meanAbove = l.SumDb / l.Frames - settings.LoudDb;
        return new AcousticEvent("sustained-loud", l.Start, l.LastLoud, Math.Min(1, 0.5f + (float)meanAbove / 20), l.Peak);
    }
}
