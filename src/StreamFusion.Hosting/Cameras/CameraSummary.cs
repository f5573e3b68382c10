using System.Globalization;
using StreamFusion.Core.Stages;

namespace StreamFusion.Hosting.Cameras;

/// <summary>The line that says what a camera did when it is done: frames, fps, audio, drops, analyses, records.</summary>
public static class CameraSummary
{
    public static string Line(CameraPipeline camera, PipelineOutcome outcome, TimeSpan elapsed)
    {
        var c = camera.Counters;
        var stats = camera.DecodeStats;
        var vision = camera.InferenceProvider is null ? "" : $", {c.AnalysedFrames} frames analysed, {c.Objects} objects, {c.Tracks} tracks";
        vision += camera.VoiceActivity is null ? "" : $", {c.AudioWindows} audio windows, {c.SpeechSegments} speech segments, {c.SoundEvents} sound events";
        vision += camera.Speech is not { } s ? "" : $", {s.Utterances} utterances recognised ({s.KeywordHits} keyword hits, {s.Words} words" +
                                                    (s.TranscriptionSkipped + s.UtterancesSkipped > 0 ? $"; over the speech budget: {s.TranscriptionSkipped} transcriptions and {s.UtterancesSkipped} utterances skipped" : "") + ")";
        vision += c.Records == 0 ? "" : $", {c.Records} records, {c.Incidents} incidents";
        return string.Create(CultureInfo.InvariantCulture,
            $"{outcome.ToString().ToLowerInvariant()} in {elapsed.TotalSeconds:F2}s: {c.VideoFrames} frames ({c.VideoFrames / Math.Max(elapsed.TotalSeconds, 1e-9):F1} fps), " +
            $"audio {c.AudioSeconds(camera.Camera.Decode.AudioSampleRate):F2}s, {c.SubtitleCues} cues, {camera.Dropped} dropped, " +
            $"{stats.CorruptPackets} corrupt packets, {stats.DecodeErrors} decode errors{vision}");
    }
}
