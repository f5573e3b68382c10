using StreamFusion.Audio.Events;
using StreamFusion.Audio.Stage;
using StreamFusion.Fusion.Windows;
using StreamFusion.Fusion.Transcripts;
using StreamFusion.Speech;
using StreamFusion.Vision.Detection;
using StreamFusion.Vision.Stage;
using StreamFusion.Vision.Tracking;

namespace StreamFusion.Tests.Fusion;

public class WindowFuserTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static FrameAnalysis Frame(double pts, params (string Label, float Score, int Track)[] objects) =>
        new(0, pts, 100, 100, objects.Select(o => new TrackedObject(new DetectedObject(0, o.Label, o.Score, new BoundingBox(10, 10, 20, 40)), o.Track, TrackState.Confirmed)).ToList(), []);

    private static AudioWindow Heard(double start, float speech, params AcousticEvent[] events) =>
        new(start, start + 1, -20, -10, speech, speech, new float[13], new float[13], events, []);

    [Fact]
    public void Windows_wait_for_the_slower_modality_then_come_out_in_order()
    {
        var fuser = new WindowFuser(new FusionSettings(), "cam", video: true, audio: true, wallclockAt: _ => Noon);

        Assert.Empty(fuser.Add(Frame(0.5, ("person", 0.9f, 1))));
        Assert.Empty(fuser.Add(Frame(1.5)));        // window 0 still waits for audio
        var first = fuser.Add(Heard(0, 0.9f));       // audio reaches 1.0: window 0 closes

        var record = Assert.Single(first);
        Assert.Equal(("cam@0.000", 0.0, 1.0), (record.Id, record.Start, record.End));
        Assert.Equal("person", Assert.Single(record.Objects).Label);
        Assert.Equal(Noon, record.Wallclock);
    }

    [Fact]
    public void A_stalled_modality_holds_windows_back_no_longer_than_the_lateness_bound()
    {
        var fuser = new WindowFuser(new FusionSettings { MaxLateness = 2 }, "cam", video: true, audio: true);
        fuser.Add(Heard(0, 0));

        var emitted = Enumerable.Range(1, 50).SelectMany(i => fuser.Add(Frame(i * 0.1))).ToList(); // video to 5.0 s, audio stuck at 1.0

        Assert.Equal([0.0, 1.0, 2.0], emitted.Select(r => r.Start)); // windows ending by 5.0 − 2 = 3.0
    }

    [Fact]
    public void Score_reasons_and_severity_follow_the_cues()
    {
        var settings = new FusionSettings { Keywords = ["help"] };
        var fuser = new WindowFuser(settings, "cam", video: true, audio: true,
            [new TranscriptSegment(0.2, 0.8, "Help me!", "srt")]);
        fuser.Add(Frame(0.5, ("person", 0.8f, 7)));
        fuser.Add(Frame(1.0));

        var record = Assert.Single(fuser.Add(Heard(0, 0.95f, new AcousticEvent("impulse", 0.4, 0.45, 0.9f, -6))));

        // 1 − (1 − 0.35·0.8)(1 − 0.25·0.95)(1 − 0.45·0.9)(1 − 0.5)
        var expected = 1 - (1 - 0.35 * 0.8) * (1 - 0.25 * 0.95) * (1 - 0.45 * 0.9) * 0.5;
        Assert.Equal(expected, record.Score, 3);
        Assert.Equal("high", record.Severity);
        Assert.Equal(["help"], record.Transcript.Keywords);
        Assert.Contains("person present (track 7, score 0.80)", record.Reasons);
        Assert.Contains(record.Reasons, r => r.StartsWith("impulse at 0.40s"));
        Assert.Equal(("cam@0.000", "start"), (record.Incident!.Id, record.Incident.State));
    }

    [Fact]
    public void An_incident_ends_on_the_first_quiet_window_and_replays_give_the_same_id()
    {
        string[] Run()
        {
            var fuser = new WindowFuser(new FusionSettings(), "gate", video: false, audio: true);
            var records = new List<FusedRecord>();
            foreach (var (start, speech) in new[] { (0.0, 0f), (1.0, 1f), (2.0, 1f), (3.0, 0f) })
                records.AddRange(fuser.Add(Heard(start, speech, speech > 0 ? [new AcousticEvent("sustained-loud", start, start + 1, 1f, -5)] : [])));
            records.AddRange(fuser.Finish());
            return records.Select(r => $"{r.Start}:{r.Incident?.Id}:{r.Incident?.State}").ToArray();
        }

        var first = Run();

        Assert.Equal(["0::", "1:gate@1.000:start", "2:gate@1.000:update", "3:gate@1.000:end"], first);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void A_late_transcript_segment_corrects_the_window_it_belongs_to()
    {
        var fuser = new WindowFuser(new FusionSettings { Keywords = ["help"] }, "cam", video: false, audio: true);
        var original = fuser.Add(Heard(0, 1)).Single();
        fuser.Add(Heard(1, 0));

        var correction = Assert.Single(fuser.Add(new TranscriptSegment(0.3, 0.9, "help!", "kafka")));

        Assert.Equal((original.Id, 0, 1), (correction.Id, original.Revision, correction.Revision));
        Assert.Empty(original.Transcript.Keywords);
        Assert.Equal(["help"], correction.Transcript.Keywords);
        Assert.True(correction.Score > original.Score);
        Assert.Null(correction.Incident); // corrections leave the incident lifecycle alone
    }

    [Fact]
    public void Within_the_transcript_lateness_a_segment_joins_its_window_before_it_is_emitted()
    {
        var fuser = new WindowFuser(new FusionSettings { Keywords = ["help"], TranscriptLateness = 2 }, "cam", video: false, audio: true);
        Assert.Empty(fuser.Add(Heard(0, 1)));
        Assert.Empty(fuser.Add(Heard(1, 0)));

        Assert.Empty(fuser.Add(new TranscriptSegment(0.3, 0.9, "help!", "kafka")));
        var record = Assert.Single(fuser.Add(Heard(2, 0)));

        Assert.Equal((0.0, 0), (record.Start, record.Revision));
        Assert.Equal(["help"], record.Transcript.Keywords);
    }

    [Fact]
    public void Windows_beyond_the_correction_horizon_are_not_corrected()
    {
        var fuser = new WindowFuser(new FusionSettings { CorrectionHorizon = 5 }, "cam", video: false, audio: true);
        for (var s = 0; s < 10; s++) fuser.Add(Heard(s, 0));

        Assert.Empty(fuser.Add(new TranscriptSegment(1.0, 1.5, "too late", "kafka")));
        Assert.Single(fuser.Add(new TranscriptSegment(7.0, 7.5, "in time", "kafka")));
    }

    [Fact]
    public void Redaction_controls_the_transcript_text_in_records()
    {
        FusedRecord Record(Redaction redaction)
        {
            var fuser = new WindowFuser(new FusionSettings { Keywords = ["fire"], Redaction = redaction }, "cam", video: false, audio: true,
                [new TranscriptSegment(0, 1, "there is a fire on floor two", "srt")]);
            return fuser.Add(Heard(0, 1)).Single();
        }

        Assert.Equal("there is a fire on floor two", Record(Redaction.None).Transcript.Text);
        Assert.Equal("fire", Record(Redaction.KeywordsOnly).Transcript.Text);
        Assert.Equal("", Record(Redaction.Full).Transcript.Text);
        Assert.Equal(["fire"], Record(Redaction.Full).Transcript.Keywords);
    }

    [Fact]
    public void Windows_wait_for_speech_still_being_heard_and_get_its_keyword_hits_by_time()
    {
        var fuser = new WindowFuser(new FusionSettings { Keywords = ["call the police", "help"] }, "cam", video: false, audio: true, speech: true);

        // Speech started at 0.6 s and is still being heard at 3 s: nothing from 0.4 s on may close.
        var early = Enumerable.Range(0, 3).SelectMany(i => fuser.Add(Heard(i, 0.9f) with { SpeechSettledBefore = 0.4 })).ToList();
        fuser.Add(new TranscriptSegment(0.6, 2.7, "", TranscriptSegment.SpeechSource)
        {
            Spotted = [new KeywordHit("call the police", 0.6, 1.3, 0.9), new KeywordHit("help", 2.3, 2.7, 0.8)],
        });
        var late = fuser.Add(Heard(3, 0) with { SpeechSettledBefore = 4 });

        Assert.Empty(early);
        Assert.Equal([0.0, 1.0, 2.0, 3.0], late.Select(r => r.Start));
        Assert.Equal(["call the police"], late[0].Transcript.Keywords); // its middle, 0.95 s, is in window 0
        Assert.Empty(late[1].Transcript.Keywords);
        Assert.Equal(["help"], late[2].Transcript.Keywords);
        Assert.Equal(new FusedKeywordHit("help", 2.3, 2.7, 0.8), Assert.Single(late[2].Transcript.Hits));
        Assert.Equal("asr", late[0].Transcript.Source);
        Assert.All(late, r => Assert.Equal(0, r.Revision));
    }

    [Fact]
    public void Speech_later_than_its_lateness_becomes_a_correction_and_recognised_words_are_placed_by_their_times()
    {
        var fuser = new WindowFuser(new FusionSettings { Keywords = ["help"], SpeechLateness = 2 }, "cam", video: false, audio: true, speech: true);

        var emitted = Enumerable.Range(0, 4).SelectMany(i => fuser.Add(Heard(i, 0.9f) with { SpeechSettledBefore = 0.5 })).ToList();
        var corrections = fuser.Add(new TranscriptSegment(0.5, 1.8, "please help", TranscriptSegment.SpeechSource)
        {
            Words = [new RecognizedWord("please", 0.5, 0.9, 0.8), new RecognizedWord("help", 1.3, 1.8, 0.6)],
        });

        Assert.Equal([0.0, 1.0], emitted.Select(r => r.Start)); // audio at 4 s less 2 s of lateness
        Assert.All(emitted, r => Assert.Empty(r.Transcript.Keywords));
        Assert.Equal([(0.0, 1), (1.0, 1)], corrections.Select(r => (r.Start, r.Revision)));
        Assert.Empty(corrections[0].Transcript.Keywords);           // the segment covers both windows, the word "help" only the second
        Assert.Equal(["help"], corrections[1].Transcript.Keywords);
        Assert.Equal(("please", "help"), (corrections[0].Transcript.Text, corrections[1].Transcript.Text));
    }
}
