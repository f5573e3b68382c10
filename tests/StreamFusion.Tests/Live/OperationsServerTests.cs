using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Prometheus;
using StreamFusion.Hosting;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Operations;
using StreamFusion.Tests.Media;

namespace StreamFusion.Tests.Live;

/// <summary>The /metrics and /health endpoints on Kestrel as a Prometheus scraper meets them: scraping every 15 s.</summary>
public class OperationsServerTests
{
    private static WebApplication Serve(int port) => Serve(new MetricsAddress("127.0.0.1", port), Metrics.NewCustomRegistry());

    private static WebApplication Serve(MetricsAddress address, CollectorRegistry registry)
    {
        Metrics.WithCustomRegistry(registry).CreateCounter("streamfusion_test_total", "a sample to export").Inc();
        var app = StreamFusionHost.BuildListening(StreamFusionHost.CreateOperationsBuilder(address), address);
        app.MapStreamFusionOperations(registry, new RunningCameras());
        StreamFusionHost.StartAsync(app, address).GetAwaiter().GetResult();
        return app;
    }

    [Theory]
    [InlineData("/metrics", HttpStatusCode.OK, "streamfusion_test_total 1")]
    [InlineData("/health", HttpStatusCode.OK, "\"status\":\"ok\"")]
    [InlineData("/nothing", HttpStatusCode.NotFound, "")]
    public async Task Answers_metrics_health_and_nothing_else(string path, HttpStatusCode status, string body)
    {
        var port = NetworkSourceTests.FreeTcpPort();
        await using var server = Serve(port);
        using var http = new HttpClient();

        using var response = await http.GetAsync($"http://127.0.0.1:{port}{path}");

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_port_in_use_is_a_clear_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = Assert.Throws<ArgumentException>(() => Serve(port));

        Assert.Equal($"metrics: cannot listen on 127.0.0.1:{port}: Address already in use", error.Message);
    }

    [Fact]
    public void A_host_name_that_does_not_resolve_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Serve(new MetricsAddress("nosuchhost.invalid", 9464), Metrics.NewCustomRegistry()));

        Assert.StartsWith("metrics: cannot listen on nosuchhost.invalid:9464: ", error.Message);
    }

    [Fact]
    public async Task A_scraper_keeps_its_connection_across_a_15_s_scrape_interval()
    {
        // HttpListener dropped a kept-alive connection after exactly 15 s idle: a scraper reusing it at that moment failed.
        var port = NetworkSourceTests.FreeTcpPort();
        await using var server = Serve(port);
        var connections = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/metrics")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/metrics")).StatusCode);

        Assert.Equal(1, connections);
    }
}
