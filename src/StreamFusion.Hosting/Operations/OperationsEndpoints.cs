using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Media.Live;

namespace StreamFusion.Hosting.Operations;

/// <summary>
/// GET /metrics (Prometheus text format) and GET /health (JSON; 200 while every camera is live or has ended
/// normally, 503 when one is connecting, stalled, backing off or failed), on the application's own Kestrel.
/// </summary>
public static class OperationsEndpoints
{
    /// <summary>The endpoints of the host's StreamFusion run (AddStreamFusion).</summary>
    public static IEndpointRouteBuilder MapStreamFusionOperations(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapStreamFusionOperations(endpoints.ServiceProvider.GetRequiredService<PipelineMetrics>().Registry,
            endpoints.ServiceProvider.GetRequiredService<RunningCameras>());

    public static IEndpointRouteBuilder MapStreamFusionOperations(this IEndpointRouteBuilder endpoints, CollectorRegistry registry, RunningCameras cameras)
    {
        endpoints.MapGet("/metrics", (HttpContext context) => Respond(context, async response =>
        {
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(response.Body, context.RequestAborted);
        }));
        endpoints.MapGet("/health", (HttpContext context) => Respond(context, async response =>
        {
            var states = cameras.Health.Select(h => new
            {
                id = h.Camera, state = h.State.Name(), since = h.Since.UtcDateTime.ToString("O"), reconnects = h.Reconnects, last_error = h.LastError,
            }).ToList();
            var healthy = states.All(c => c.state is "live" or "ended");
            response.StatusCode = healthy ? 200 : 503;
            response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(response.Body, new { status = healthy ? "ok" : "degraded", cameras = states }, cancellationToken: context.RequestAborted);
        }));
        return endpoints;
    }

    private static async Task Respond(HttpContext context, Func<HttpResponse, Task> write)
    {
        try
        {
            await write(context.Response);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
    }
}
