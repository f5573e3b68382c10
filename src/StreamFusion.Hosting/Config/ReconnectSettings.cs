using StreamFusion.Media;
using StreamFusion.Media.Live;

namespace StreamFusion.Hosting.Config;

/// <summary>The `reconnect:` section before it meets a camera: "auto" turns reconnection on for live sources only.</summary>
/// <param name="Enabled">null = auto: network sources and devices reconnect, files do not</param>
public sealed record ReconnectSettings(bool? Enabled = null, ReconnectPolicy? Policy = null)
{
    public ReconnectPolicy Policy { get; init; } = Policy ?? ReconnectPolicy.Live;

    public ReconnectPolicy For(string uri) => Policy with { Enabled = Enabled ?? IsLive(uri) };

    /// <summary>Network URLs and capture devices: sources that do not end by themselves.</summary>
    public static bool IsLive(string uri) =>
        !uri.StartsWith(StreamFusion.Core.Assets.AssetLocator.UriPrefix, StringComparison.Ordinal) && uri.Length > 0 && !MediaUri.Parse(uri).IsLocalFile;
}
