using System.Globalization;
using System.Text;
using StreamFusion.Media.Clips;
using StreamFusion.Media.Items;
using StreamFusion.Media.Native;

namespace StreamFusion.Media;

/// <summary>The <see cref="IMediaSource"/> backed by the sfmedia shim over the system FFmpeg.</summary>
internal sealed unsafe class FfmpegMediaSource : IMediaSource, IClipSource
{
    private readonly ItemPool<VideoFrame> _videoPool = new(pool => new VideoFrame(pool));
    private readonly ItemPool<AudioChunk> _audioPool = new(pool => new AudioChunk(pool));
    private readonly int _audioRate;
    private byte[] _textBuffer = new byte[1024];
    private readonly SfSourceHandle _handle;
    private long _videoIndex;
    private bool _endReported;

    private FfmpegMediaSource(MediaUri uri, SfSourceHandle handle, int audioRate)
    {
        Uri = uri;
        _handle = handle;
        _audioRate = audioRate;
        Info = ReadInfo();
        Extension = SfMediaNative.Utf8(SfMediaNative.ClipExtension(handle));
    }

    public MediaUri Uri { get; }
    public MediaInfo Info { get; }
    public IClipSource? Clips => Extension.Length > 0 ? this : null;
    public string Extension { get; }

    public void Begin(string basePath, double from, double maxSeconds) =>
        Check(SfMediaNative.ClipBegin(_handle, basePath, from, double.IsFinite(maxSeconds) ? maxSeconds : 0));

    public void StopAt(double until) => SfMediaNative.ClipStopAt(_handle, until);

    public void Finish() => SfMediaNative.ClipFinish(_handle);

    public ClipFile? TakeFinished()
    {
        if (SfMediaNative.ClipTake(_handle, out var clip) == 0) return null;
        return new ClipFile(SfMediaNative.Utf8(clip.Path, 1024), clip.Start, clip.End, clip.VideoFrames, clip.AudioPackets, clip.Bytes,
            clip.Status == 0 ? null : SfMediaNative.Utf8(clip.Error, 256));
    }

    public DecodeStats Stats
    {
        get
        {
            SfMediaNative.GetStats(_handle, out var s);
            return new DecodeStats(s.Packets, s.CorruptPackets, s.DecodeErrors, s.VideoFrames, s.AudioFrames, s.SubtitleCues, s.Truncated != 0, s.Reached,
                s.RingBytes, s.RingSeconds);
        }
    }

    public static FfmpegMediaSource Open(MediaUri uri, MediaSourceOptions options, bool convertVideo = true, CancellationToken cancellation = default)
    {
        if (uri.IsLocalFile && !File.Exists(uri.Url))
            throw new MediaNotFoundException(Directory.Exists(uri.Url) ? $"{uri.Redacted}: is a directory, not a media file" : $"{uri.Redacted}: no such file");
        var parameters = new SfParams
        {
            VideoWidth = options.VideoWidth,
            VideoHeight = options.VideoHeight,
            AudioRate = options.AudioSampleRate,
            WantVideo = options.Video ? 1 : 0,
            WantAudio = options.Audio ? 1 : 0,
            WantSubtitles = options.Subtitles ? 1 : 0,
            ConvertVideo = convertVideo ? 1 : 0,
            OpenTimeoutMs = TimeoutMs(options.OpenTimeout, uri),
            ReadTimeoutMs = TimeoutMs(options.ReadTimeout, uri),
            DecoderThreads = options.DecoderThreads,
            Clips = options.ClipPreRoll is null ? 0 : 1,
            PreRollMs = (int)(options.ClipPreRoll ?? TimeSpan.Zero).TotalMilliseconds,
        };
        var handle = CreateHandle();
        int status;
        using (cancellation.Register(() => SfMediaNative.Interrupt(handle)))
            status = SfMediaNative.Open(handle, uri.Url, options.Format ?? uri.Format, FfmpegOptionLines(options, uri), in parameters);
        if (status < 0)
        {
            var error = ToException(status, uri, SfMediaNative.Utf8(SfMediaNative.ErrorMessage(handle)));
            handle.Dispose();
            throw error;
        }
        return new FfmpegMediaSource(uri, handle, options.AudioSampleRate);
    }

    public MediaItem? ReadNext()
    {
        var kind = NextNative(out var item);
        switch (kind)
        {
            case SfKind.Video:
                var frame = _videoPool.Rent();
                frame.Prepare(item.Width, item.Height, item.BufferBytes, item.Pts, _videoIndex++);
                fixed (byte* pixels = frame.Buffer)
                    Check(SfMediaNative.VideoCopy(_handle, pixels, frame.Buffer.Length));
                return frame;
            case SfKind.Audio:
                var chunk = _audioPool.Rent();
                chunk.Prepare(item.Samples, _audioRate, item.Pts);
                fixed (float* samples = chunk.Buffer)
                    chunk.SetCount(SfMediaNative.AudioCopy(_handle, samples, chunk.Buffer.Length));
                return chunk;
            case SfKind.Subtitle:
                if (_textBuffer.Length < item.TextBytes) _textBuffer = new byte[item.TextBytes * 2];
                int length;
                fixed (byte* text = _textBuffer)
                    length = SfMediaNative.SubtitleCopy(_handle, text, _textBuffer.Length);
                return new SubtitleCue(item.Pts, item.End, AssText.ToPlainText(Encoding.UTF8.GetString(_textBuffer, 0, length)));
            default:
                return null;
        }
    }

    public bool SkipNext(out MediaKind kind)
    {
        var next = NextNative(out _);
        kind = next switch { SfKind.Audio => MediaKind.Audio, SfKind.Subtitle => MediaKind.Subtitle, _ => MediaKind.Video };
        if (next == SfKind.Video) _videoIndex++;
        return next != SfKind.End;
    }

    public void Interrupt()
    {
        try
        {
            SfMediaNative.Interrupt(_handle);
        }
        catch (ObjectDisposedException)
        {
            // closed meanwhile: nothing left to interrupt
        }
    }

    public void Dispose() => _handle.Dispose();

    private SfKind NextNative(out SfItem item)
    {
        var status = SfMediaNative.Next(_handle, out item);
        Check(status);
        if (status == (int)SfKind.End && !_endReported)
        {
            _endReported = true;
            SfMediaNative.GetStats(_handle, out var stats);
            if (stats.Truncated != 0)
                throw new MediaTruncatedException(string.Create(CultureInfo.InvariantCulture,
                    $"{Uri.Redacted}: input ended early at {stats.Reached:F2}s: file truncated or cut ({stats.VideoFrames} video frames decoded before the cut)"));
        }
        return (SfKind)status;
    }

    private void Check(int status)
    {
        if (status < 0) throw ToException(status, Uri, SfMediaNative.Utf8(SfMediaNative.ErrorMessage(_handle)));
    }

    private MediaInfo ReadInfo()
    {
        var streams = new List<StreamInfo>();
        for (var i = 0; i < SfMediaNative.StreamCount(_handle); i++)
        {
            SfMediaNative.GetStream(_handle, i, out var s);
            streams.Add(new StreamInfo(s.Index, (StreamKind)s.Kind, SfMediaNative.Utf8(s.Codec, 32), SfMediaNative.Utf8(s.Language, 16),
                s.Selected != 0, s.Width, s.Height, s.Fps, s.SampleRate, s.Channels, s.Duration, s.Start));
        }
        return new MediaInfo(Uri.Redacted, SfMediaNative.Utf8(SfMediaNative.FormatName(_handle)), SfMediaNative.Duration(_handle), streams);
    }

    private static SfSourceHandle CreateHandle()
    {
        try
        {
            return SfMediaNative.Create();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new MediaLibraryException($"cannot load the FFmpeg shim libsfmedia.so ({e.Message.Split('\n')[0]}); rebuild with scripts/setup.sh");
        }
    }

    private static int TimeoutMs(TimeSpan? timeout, MediaUri uri) =>
        (int)(timeout ?? (uri.IsNetwork ? MediaSourceOptions.DefaultNetworkTimeout : TimeSpan.Zero)).TotalMilliseconds;

    private static string FfmpegOptionLines(MediaSourceOptions options, MediaUri uri)
    {
        var lines = new StringBuilder();
        if (uri.Url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
            lines.Append("rtsp_transport=").Append(options.RtspTransport).Append('\n');
        foreach (var (key, value) in options.FfmpegOptions)
        {
            if (key.Contains('=') || key.Contains('\n') || value.Contains('\n'))
                throw new ArgumentException($"FFmpeg option '{key}' must not contain '=' or line breaks");
            lines.Append(key).Append('=').Append(value).Append('\n');
        }
        return lines.ToString();
    }

    internal static MediaException ToException(int status, MediaUri uri, string detail)
    {
        var message = $"{uri.Redacted}: {MediaUri.RedactCredentials(detail)}";
        return (SfStatus)status switch
        {
            SfStatus.Io when uri.IsLocalFile => new MediaFormatException($"{message} (corrupt or truncated file)"),
            SfStatus.NotFound => new MediaNotFoundException(message),
            SfStatus.NotMedia => new MediaFormatException($"{message} (not a media file, or corrupt)"),
            SfStatus.Unsupported => new UnsupportedMediaException(message),
            SfStatus.Network or SfStatus.Timeout => new MediaNetworkException(message),
            SfStatus.Aborted => new MediaAbortedException(message),
            SfStatus.Abi => new MediaLibraryException(message),
            SfStatus.Denied => new MediaAccessDeniedException($"{message}: check the user and password in the URL"),
            // libav reports some corrupt packets (absurd sizes) as out of memory: bad input, not an internal failure
            SfStatus.NoMemory => new MediaFormatException($"{message} (corrupt input)"),
            _ => new MediaException(message),
        };
    }
}
