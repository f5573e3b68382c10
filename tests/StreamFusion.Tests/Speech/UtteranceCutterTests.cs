using StreamFusion.Audio.Vad;

namespace StreamFusion.Tests.Speech;

/// <summary>Utterances cut from a stream as voice activity sees it, 32 ms chunks at 16 kHz.</summary>
public class UtteranceCutterTests
{
    private const int Rate = 16000, Chunk = 512;

    /// <summary>Feeds <paramref name="seconds"/> of audio whose sample values are their own media time, speech where <paramref name="speech"/> says.</summary>
    private static (List<SpeechClip> Clips, List<double> Settled) Feed(double seconds, params (double Start, double End)[] speech)
    {
        var cutter = new UtteranceCutter(Rate);
        var segmenter = new SpeechSegmenter();
        var (clips, settled) = (new List<SpeechClip>(), new List<double>());
        for (var at = 0; at + Chunk <= seconds * Rate; at += Chunk)
        {
            var pts = at / (double)Rate;
            var chunk = Enumerable.Range(0, Chunk).Select(i => (float)((at + i) / (double)Rate)).ToArray();
            var probability = speech.Any(s => pts >= s.Start && pts < s.End) ? 0.9f : 0.05f;
            var closed = segmenter.Push(pts, Chunk / (double)Rate, probability);
            cutter.Push(chunk, pts, segmenter.OpenSince, closed, clips);
            settled.Add(cutter.SettledBefore);
        }
        cutter.Restart(segmenter.OpenSince, clips);
        return (clips, settled);
    }

    [Fact]
    public void Speech_with_short_pauses_is_one_utterance_and_long_pauses_split_it_with_padding_either_side()
    {
        var (clips, _) = Feed(8, (1.0, 2.0), (2.3, 3.0), (4.5, 5.5));

        Assert.Equal(2, clips.Count);
        // The samples hold their own media time: the clip starts 0.2 s before the speech and ends 0.2 s after it.
        Assert.Equal(0.8, clips[0].Samples[0], 0.05);
        Assert.Equal(clips[0].Start, clips[0].Samples[0], 1e-4);
        Assert.Equal(3.2, clips[0].End, 0.1);
        Assert.Equal(4.3, clips[1].Start, 0.05);
        Assert.Equal(5.7, clips[1].End, 0.1);
    }

    [Fact]
    public void Speech_that_runs_on_is_cut_every_15_seconds_and_nothing_is_lost_between_the_pieces()
    {
        var (clips, _) = Feed(40, (1.0, 36.0));

        Assert.Equal(3, clips.Count);
        Assert.Equal(15.2, clips[0].End - clips[0].Start, 0.1); // 0.2 s of padding before; the cut itself has no audio after it yet
        for (var i = 1; i < clips.Count; i++) Assert.True(clips[i].Start <= clips[i - 1].End, $"gap between clip {i - 1} and {i}");
        Assert.Equal(36.2, clips[^1].End, 0.1);
    }

    [Fact]
    public void Settled_time_stops_where_unfinished_speech_began_and_catches_up_once_it_is_cut()
    {
        var (_, settled) = Feed(5, (1.0, 2.0));

        double At(double seconds) => settled[(int)(seconds * Rate / Chunk)];
        Assert.Equal(0.5, At(0.5), 0.05);      // silence: settled up to now
        Assert.Equal(0.8, At(1.5), 0.05);      // speaking since 1.0 (less the padding)
        Assert.Equal(0.8, At(2.3), 0.05);      // a pause, still within the join time
        Assert.True(At(3.0) >= 2.9, $"{At(3.0)}: cut once the pause reached 0.5 s");
    }
}
