using System.Net.Sockets;
using System.Text;
using Prometheus;
using StreamFusion.Cli.Operations;
using StreamFusion.Cli.Runtime;
using StreamFusion.Tests.Media;

namespace StreamFusion.Tests.Live;

public class OperationsServerTests
{
    [Theory]
    [InlineData("/metrics", "200 OK")]
    [InlineData("/health", "200 OK")]
    [InlineData("/nothing", "404 Not Found")]
    public async Task Every_answer_closes_its_connection_so_a_scraper_never_reuses_one_the_listener_is_about_to_drop(string path, string status)
    {
        var port = NetworkSourceTests.FreeTcpPort();
        var registry = Metrics.NewCustomRegistry();
        Metrics.WithCustomRegistry(registry).CreateCounter("streamfusion_test_total", "a sample to export").Inc();
        await using var server = new OperationsServer(new MetricsAddress("127.0.0.1", port), registry, new RunningCameras());

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"));
        var answer = new MemoryStream();
        var closed = stream.CopyToAsync(answer); // ends only when the server closes the connection
        Assert.True(await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(5))) == closed, "the server kept the connection open after answering");
        var text = Encoding.UTF8.GetString(answer.ToArray());

        Assert.StartsWith($"HTTP/1.1 {status}", text);
        Assert.Contains("Connection: close", text, StringComparison.OrdinalIgnoreCase);
        if (path == "/metrics") Assert.Contains("streamfusion_test_total 1", text);
    }
}
