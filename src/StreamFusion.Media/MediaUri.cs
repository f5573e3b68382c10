using System.Text.RegularExpressions;

namespace StreamFusion.Media;

/// <summary>
/// A media location as the user wrote it, split into what FFmpeg opens (URL and forced format) plus a
/// redacted form for logs that never shows credentials.
/// </summary>
public sealed partial record MediaUri(string Original, string Url, string? Format, bool IsNetwork, bool IsLocalFile)
{
    private static readonly string[] NetworkSchemes = ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "udp", "tcp", "rtp", "srt", "hls"];

    public string Redacted => RedactCredentials(Original);

    public static MediaUri Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (text.StartsWith("v4l2://", StringComparison.OrdinalIgnoreCase))
            return new MediaUri(text, text["v4l2://".Length..], "v4l2", false, false);
        if (text.StartsWith("/dev/video", StringComparison.Ordinal))
            return new MediaUri(text, text, "v4l2", false, false);
        if (text.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            var path = Uri.UnescapeDataString(new Uri(text).AbsolutePath);
            return new MediaUri(text, path, null, false, true);
        }
        var scheme = SchemePattern().Match(text);
        if (scheme.Success)
        {
            var name = scheme.Groups[1].Value.ToLowerInvariant();
            return new MediaUri(text, text, null, NetworkSchemes.Contains(name), false);
        }
        return new MediaUri(text, Path.GetFullPath(text), null, false, true);
    }

    /// <summary>"rtsp://user:secret@cam/x" becomes "rtsp://user:***@cam/x"; query secrets too.</summary>
    public static string RedactCredentials(string text)
    {
        var withoutPassword = UserInfoPattern().Replace(text, m => $"{m.Groups[1].Value}{m.Groups[2].Value}:***@");
        return SecretQueryPattern().Replace(withoutPassword, m => $"{m.Groups[1].Value}=***");
    }

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.-]*)://")]
    private static partial Regex SchemePattern();

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/:@]*):[^/@]*@")]
    private static partial Regex UserInfoPattern();

    [GeneratedRegex(@"\b(password|passwd|pwd|token|key|secret|auth)=[^&\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQueryPattern();
}
