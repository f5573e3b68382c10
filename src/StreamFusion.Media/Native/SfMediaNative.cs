using System.Runtime.InteropServices;

namespace StreamFusion.Media.Native;

// Mirrors of the structs in sfmedia.c: our own small layouts, never libav's.

[StructLayout(LayoutKind.Sequential)]
internal struct SfParams
{
    public int VideoWidth, VideoHeight, AudioRate;
    public int WantVideo, WantAudio, WantSubtitles, ConvertVideo;
    public int OpenTimeoutMs, ReadTimeoutMs, DecoderThreads;
    public int Clips, PreRollMs;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SfStream
{
    public int Index, Kind, Width, Height, SampleRate, Channels, Selected;
    public double Fps, Duration, Start;
    public fixed byte Codec[32];
    public fixed byte Language[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct SfItem
{
    public int Kind, Width, Height, Samples, TextBytes, Stream, BufferBytes;
    public double Pts, End;
}

[StructLayout(LayoutKind.Sequential)]
internal struct SfStats
{
    public long Packets, CorruptPackets, DecodeErrors, VideoFrames, AudioFrames, SubtitleCues;
    public long Truncated;
    public double Reached;
    public long RingBytes;
    public int RingPackets;
    public double RingSeconds;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SfClipInfo
{
    public int Status, VideoFrames, AudioPackets;
    public double Start, End;
    public long Bytes;
    public fixed byte Path[1024];
    public fixed byte Error[256];
}

internal enum SfKind { End = 0, Video = 1, Audio = 2, Subtitle = 3 }

/// <summary>The shim's error codes (enum sf_error in sfmedia.c): what went wrong, for the right exception.</summary>
internal enum SfStatus
{
    NotFound = -1, NotMedia = -2, Unsupported = -3, Network = -4, Timeout = -5, Aborted = -6, Io = -7, Argument = -8, NoMemory = -9, Abi = -10, Denied = -11,
}

/// <summary>
/// One sf_source: closed once, after the last call using it has returned, so an interrupt from another thread
/// can never reach a source being freed.
/// </summary>
internal sealed class SfSourceHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        SfMediaNative.Close(handle);
        return true;
    }
}

internal static unsafe partial class SfMediaNative
{
    private const string Library = "sfmedia";

    [LibraryImport(Library, EntryPoint = "sf_create")] public static partial SfSourceHandle Create();
    [LibraryImport(Library, EntryPoint = "sf_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(SfSourceHandle source, string url, string? format, string options, in SfParams parameters);
    [LibraryImport(Library, EntryPoint = "sf_close")] public static partial void Close(nint source);
    [LibraryImport(Library, EntryPoint = "sf_interrupt")] public static partial void Interrupt(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_error_message")] public static partial nint ErrorMessage(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_stream_count")] public static partial int StreamCount(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_get_stream")] public static partial void GetStream(SfSourceHandle source, int index, out SfStream stream);
    [LibraryImport(Library, EntryPoint = "sf_duration")] public static partial double Duration(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_format_name")] public static partial nint FormatName(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_next")] public static partial int Next(SfSourceHandle source, out SfItem item);
    [LibraryImport(Library, EntryPoint = "sf_video_copy")] public static partial int VideoCopy(SfSourceHandle source, byte* destination, int capacity);
    [LibraryImport(Library, EntryPoint = "sf_audio_copy")] public static partial int AudioCopy(SfSourceHandle source, float* destination, int capacity);
    [LibraryImport(Library, EntryPoint = "sf_subtitle_copy")] public static partial int SubtitleCopy(SfSourceHandle source, byte* destination, int capacity);
    [LibraryImport(Library, EntryPoint = "sf_get_stats")] public static partial void GetStats(SfSourceHandle source, out SfStats stats);
    [LibraryImport(Library, EntryPoint = "sf_clip_begin", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ClipBegin(SfSourceHandle source, string basePath, double from, double maxSeconds);
    [LibraryImport(Library, EntryPoint = "sf_clip_stop_at")] public static partial void ClipStopAt(SfSourceHandle source, double until);
    [LibraryImport(Library, EntryPoint = "sf_clip_finish")] public static partial void ClipFinish(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_clip_take")] public static partial int ClipTake(SfSourceHandle source, out SfClipInfo clip);
    [LibraryImport(Library, EntryPoint = "sf_clip_extension")] public static partial nint ClipExtension(SfSourceHandle source);
    [LibraryImport(Library, EntryPoint = "sf_versions")] public static partial void Versions(byte* destination, int capacity);

    public static string Utf8(nint text) => Marshal.PtrToStringUTF8(text) ?? "";

    public static string Utf8(byte* text, int capacity) =>
        System.Text.Encoding.UTF8.GetString(text, new ReadOnlySpan<byte>(text, capacity).IndexOf((byte)0) is var n and >= 0 ? n : capacity);

    /// <summary>"libavformat 59.27.100, ..." of the FFmpeg libraries the shim is bound to.</summary>
    public static string LibraryVersions()
    {
        var buffer = stackalloc byte[256];
        Versions(buffer, 256);
        return Utf8(buffer, 256);
    }
}
