using System.Globalization;

namespace StreamFusion.Hosting.Operations;

/// <summary>Where /metrics and /health are served: host:port (0.0.0.0 or * for every interface).</summary>
public sealed record MetricsAddress(string Host, int Port)
{
    public static MetricsAddress Parse(string text)
    {
        var split = text.LastIndexOf(':');
        if (split <= 0 || !int.TryParse(text[(split + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"metrics address '{text}': expected host:port, e.g. 127.0.0.1:9464 or 0.0.0.0:9464");
        return new MetricsAddress(text[..split], port);
    }

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
