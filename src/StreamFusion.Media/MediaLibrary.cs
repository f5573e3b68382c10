using StreamFusion.Media.Native;

namespace StreamFusion.Media;

public static class MediaLibrary
{
    /// <summary>Versions of the FFmpeg libraries the shim is bound to; throws <see cref="MediaLibraryException"/> if it cannot load.</summary>
    public static string Versions()
    {
        try
        {
            return SfMediaNative.LibraryVersions();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new MediaLibraryException($"cannot load libsfmedia.so: {e.Message.Split('\n')[0]}");
        }
    }
}
