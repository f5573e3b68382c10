using StreamFusion.Media.Items;

namespace StreamFusion.Cli.Runtime;

/// <summary>What reached the end of a camera's pipeline, updated by the consuming stage, read by progress.</summary>
public sealed class MediaCounters
{
    private long _videoFrames, _audioSamples, _subtitleCues;

    public long VideoFrames => Interlocked.Read(ref _videoFrames);
    public long SubtitleCues => Interlocked.Read(ref _subtitleCues);
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
}
