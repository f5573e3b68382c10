using System.Net;
using System.Text.Json;
using Prometheus;
using StreamFusion.Cli.Runtime;
using StreamFusion.Media.Live;

namespace StreamFusion.Cli.Operations;

/// <summary>
/// GET /metrics (Prometheus text format) and GET /health (JSON; 200 while every camera is live or has ended
/// normally, 503 when one is connecting, stalled, backing off or failed), on one HTTP listener.
/// </summary>
public sealed class OperationsServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CollectorRegistry _registry;
    private readonly RunningCameras _cameras;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public OperationsServer(MetricsAddress address, CollectorRegistry registry, RunningCameras cameras)
    {
        (_registry, _cameras) = (registry, cameras);
        _listener.Prefixes.Add(address.Prefix);
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new ArgumentException($"metrics: cannot listen on {address}: {e.Message}");
        }
        _serving = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        // HttpListener drops a kept-alive connection after a fixed 15 s idle, Prometheus' default scrape interval:
        // a scraper reusing it races the close and fails about half the time. A connection per scrape costs nothing.
        response.KeepAlive = false;
        try
        {
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/metrics":
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await _registry.CollectAndExportAsTextAsync(response.OutputStream, _stop.Token);
                    break;
                case "/health":
                    var cameras = _cameras.Health.Select(h => new
                    {
                        id = h.Camera, state = h.State.Name(), since = h.Since.UtcDateTime.ToString("O"), reconnects = h.Reconnects, last_error = h.LastError,
                    }).ToList();
                    var healthy = cameras.All(c => c.state is "live" or "ended");
                    response.StatusCode = healthy ? 200 : 503;
                    response.ContentType = "application/json";
                    await JsonSerializer.SerializeAsync(response.OutputStream, new { status = healthy ? "ok" : "degraded", cameras }, cancellationToken: _stop.Token);
                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // the client went away
        }
        finally
        {
            try { response.Close(); } catch (ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _serving;
        _stop.Dispose();
    }
}
