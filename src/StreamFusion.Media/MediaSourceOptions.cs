namespace StreamFusion.Media;

/// <summary>What to decode from a source and how to connect to it.</summary>
public sealed record MediaSourceOptions
{
    /// <summary>Output width of BGR frames; 0 keeps the native size (or the aspect ratio if Height is set).</summary>
    public int VideoWidth { get; init; }
    public int VideoHeight { get; init; }
    public int AudioSampleRate { get; init; } = 16000;
    public bool Video { get; init; } = true;
    public bool Audio { get; init; } = true;
    public bool Subtitles { get; init; } = true;
    /// <summary>Null picks the default: 10 s for network sources, none for files.</summary>
    public TimeSpan? OpenTimeout { get; init; }
    public TimeSpan? ReadTimeout { get; init; }
    /// <summary>"tcp" or "udp" for RTSP; tcp by default (no packet loss through NAT/firewalls).</summary>
    public string RtspTransport { get; init; } = "tcp";
    /// <summary>Forced demuxer, e.g. "v4l2" or "mpegts"; null probes.</summary>
    public string? Format { get; init; }
    /// <summary>Decoder threads; 0 lets FFmpeg pick (one per core).</summary>
    public int DecoderThreads { get; init; }
    /// <summary>Extra FFmpeg demuxer/protocol options (e.g. "buffer_size", "fflags").</summary>
    public IReadOnlyDictionary<string, string> FfmpegOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Keep this much of the compressed stream (back to the keyframe before it) so evidence clips can start before
    /// the moment they are asked for; null: no clips.
    /// </summary>
    public TimeSpan? ClipPreRoll { get; init; }

    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromSeconds(10);
}
