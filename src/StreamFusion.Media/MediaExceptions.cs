namespace StreamFusion.Media;

/// <summary>Base of every media error; messages are one line and name the (redacted) input.</summary>
public class MediaException(string message) : Exception(message);

/// <summary>The file or URL does not exist (missing path, HTTP 404).</summary>
public sealed class MediaNotFoundException(string message) : MediaException(message);

/// <summary>The input is not media FFmpeg can demux (random bytes, wrong format).</summary>
public sealed class MediaFormatException(string message) : MediaException(message);

/// <summary>
/// The input ended early (cut file, I/O error at its end). Thrown by ReadNext only after every item decodable
/// before the cut was delivered, in place of the normal end.
/// </summary>
public sealed class MediaTruncatedException(string message) : MediaException(message);

/// <summary>The codec, protocol or format is not supported by the installed FFmpeg.</summary>
public sealed class UnsupportedMediaException(string message) : MediaException(message);

/// <summary>Connecting to or reading from a network source failed or timed out.</summary>
public sealed class MediaNetworkException(string message) : MediaException(message);

/// <summary>The server refused the credentials (or gave none access): retrying with the same ones cannot help.</summary>
public sealed class MediaAccessDeniedException(string message) : MediaException(message);

/// <summary>Reading was interrupted on request (stop, cancellation).</summary>
public sealed class MediaAbortedException(string message) : MediaException(message);

/// <summary>The native shim could not be loaded or is bound to the wrong FFmpeg.</summary>
public sealed class MediaLibraryException(string message) : MediaException(message);
