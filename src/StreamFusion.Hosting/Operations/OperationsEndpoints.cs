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
/// normally, 503 when one is connecting, stalled, backing off or failed), on the application's own Kestrel. A fleet
/// worker is healthy (ready) once it is a member of its group and each of its cameras is live, backing off or
/// ended: a camera that is down is the camera's problem, not a reason to take the worker out of service.
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
            var worker = cameras.Worker;
            var healthy = worker is null ? states.All(c => c.state is "live" or "ended") : worker.Member && states.All(c => c.state is "live" or "backing-off" or "ended");
            response.StatusCode = healthy ? 200 : 503;
            response.ContentType = "application/json";
            object body = worker is null ? new { status = healthy ? "ok" : "degraded", cameras = states }
                : new { status = healthy ? "ok" : "degraded", worker = new { id = worker.Id, group = worker.Group, member = worker.Member, partitions = worker.Partitions }, cameras = states };
            await JsonSerializer.SerializeAsync(response.Body, body, cancellationToken: context.RequestAborted);
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
