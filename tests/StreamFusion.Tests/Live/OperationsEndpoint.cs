using System.Globalization;
using System.Net;
using System.Text.Json;

namespace StreamFusion.Tests.Live;

/// <summary>A running pipeline's /metrics (parsed from the Prometheus text format) and /health, read over HTTP.</summary>
public sealed class OperationsEndpoint(int port)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string LastMetricsText { get; private set; } = "";

    /// <summary>Why the latest scrape got no answer (null when it got one).</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Every sample as "name{labels}" → value; empty while the endpoint is not up yet.</summary>
    public Dictionary<string, double> Metrics()
    {
        try
        {
            LastMetricsText = Http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
            LastFailure = null;
        }
        catch (HttpRequestException e)
        {
            LastFailure = e.Message;
            return [];
        }
        var samples = new Dictionary<string, double>();
        foreach (var line in LastMetricsText.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var split = line.LastIndexOf(' ');
            Assert.True(split > 0, $"not a Prometheus sample line: {line}");
            samples[line[..split]] = double.Parse(line[(split + 1)..], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    public double Metric(string series) => Metrics().GetValueOrDefault(series, double.NaN);

    public (HttpStatusCode Status, JsonElement Body, string Text) Health()
    {
        using var response = Http.GetAsync($"http://127.0.0.1:{port}/health").GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
