using StreamFusion.Audio.Stage;
using StreamFusion.Fusion.Windows;
using StreamFusion.Media.Items;
using StreamFusion.Vision.Stage;

namespace StreamFusion.Hosting.Cameras;

/// <summary>What went through a camera's pipeline, updated by its stages, read by progress.</summary>
public sealed class MediaCounters
{
    private long _videoFrames, _audioSamples, _subtitleCues, _analysedFrames, _objects, _tracks, _audioWindows, _soundEvents, _speechSegments, _records, _incidents;

    public long VideoFrames => Interlocked.Read(ref _videoFrames);
    public long SubtitleCues => Interlocked.Read(ref _subtitleCues);
    public long AnalysedFrames => Interlocked.Read(ref _analysedFrames);
    public long Objects => Interlocked.Read(ref _objects);
    public long Tracks => Interlocked.Read(ref _tracks);
    public long AudioWindows => Interlocked.Read(ref _audioWindows);
    public long SoundEvents => Interlocked.Read(ref _soundEvents);
    public long SpeechSegments => Interlocked.Read(ref _speechSegments);
    public long Records => Interlocked.Read(ref _records);
    public long Incidents => Interlocked.Read(ref _incidents);

    public void Count(FusedRecord record)
    {
        Interlocked.Increment(ref _records);
        if (record.Incident?.State == "start") Interlocked.Increment(ref _incidents);
    }
    public double AudioSeconds(int sampleRate) => Interlocked.Read(ref _audioSamples) / (double)sampleRate;

    public void Count(MediaItem item)
    {
        switch (item)
        {
            case VideoFrame: Interlocked.Increment(ref _videoFrames); break;
            case AudioChunk audio: Interlocked.Add(ref _audioSamples, audio.SampleCount); break;
            case SubtitleCue: Interlocked.Increment(ref _subtitleCues); break;
        }
    }

    public void Count(AudioWindow window)
    {
        Interlocked.Increment(ref _audioWindows);
        Interlocked.Add(ref _soundEvents, window.Events.Count);
        Interlocked.Add(ref _speechSegments, window.Speech.Count);
    }

    public void Count(FrameAnalysis analysis)
    {
        if (analysis.EndOfStream || analysis.Carried) return;
        Interlocked.Increment(ref _analysedFrames);
        Interlocked.Add(ref _objects, analysis.Objects.Count);
        Interlocked.Add(ref _tracks, analysis.Events.Count(e => e.Kind == "new"));
    }
}
