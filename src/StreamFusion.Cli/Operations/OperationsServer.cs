using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;
using StreamFusion.Cli.Runtime;
using StreamFusion.Media.Live;

namespace StreamFusion.Cli.Operations;

/// <summary>
/// GET /metrics (Prometheus text format) and GET /health (JSON; 200 while every camera is live or has ended
/// normally, 503 when one is connecting, stalled, backing off or failed), served by Kestrel.
/// </summary>
public sealed class OperationsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CollectorRegistry _registry;
    private readonly RunningCameras _cameras;

    public OperationsServer(MetricsAddress address, CollectorRegistry registry, RunningCameras cameras)
    {
        (_registry, _cameras) = (registry, cameras);
        // The empty builder reads no appsettings.json, environment or command line, and logs nothing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => Listen(kestrel, address));
        builder.Services.AddSingleton<IHostLifetime, SignalsLeftToThePipeline>();
        try
        {
            _app = builder.Build(); // resolves the address
            _app.Run(RespondAsync);
            _app.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or SocketException) // address in use or not this machine's; name unknown
        {
            throw new ArgumentException($"metrics: cannot listen on {address}: {(e.InnerException ?? e).Message}");
        }
    }

    private static void Listen(KestrelServerOptions kestrel, MetricsAddress address)
    {
        var host = address.Host.Trim('[', ']');
        if (host is "0.0.0.0" or "*" or "+") kestrel.ListenAnyIP(address.Port);
        else if (host == "localhost") kestrel.ListenLocalhost(address.Port);
        else if (IPAddress.TryParse(host, out var ip)) kestrel.Listen(ip, address.Port);
        else
            foreach (var resolved in Dns.GetHostAddresses(host)) kestrel.Listen(resolved, address.Port);
    }

    private async Task RespondAsync(HttpContext context)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Path.Value)
            {
                case "/metrics":
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await _registry.CollectAndExportAsTextAsync(response.Body, context.RequestAborted);
                    break;
                case "/health":
                    var cameras = _cameras.Health.Select(h => new
                    {
                        id = h.Camera, state = h.State.Name(), since = h.Since.UtcDateTime.ToString("O"), reconnects = h.Reconnects, last_error = h.LastError,
                    }).ToList();
                    var healthy = cameras.All(c => c.state is "live" or "ended");
                    response.StatusCode = healthy ? 200 : 503;
                    response.ContentType = "application/json";
                    await JsonSerializer.SerializeAsync(response.Body, new { status = healthy ? "ok" : "degraded", cameras }, cancellationToken: context.RequestAborted);
                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2)); // a scrape in flight may finish
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
    }

    /// <summary>Ctrl+C and SIGTERM belong to the pipeline (drain, then exit): the server stops when the run ends, not before.</summary>
    private sealed class SignalsLeftToThePipeline : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
