using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Operations;

namespace StreamFusion.Hosting;

/// <summary>
/// A host of its own for a pipeline config, for programs whose only work is the pipeline (the CLI): no
/// appsettings, environment or command line read; with metrics.listen set, Kestrel serves /metrics and /health
/// in the same host. Applications with a host of their own call AddStreamFusion and MapStreamFusionOperations.
/// </summary>
public static class StreamFusionHost
{
    /// <param name="services">the caller's registrations (logging, a reporter, a lifetime), after StreamFusion's</param>
    /// <exception cref="ArgumentException">the metrics address cannot be listened on</exception>
    public static IHost Build(PipelineConfig config, Action<IServiceCollection>? services = null, Action<StreamFusionOptions>? configure = null)
    {
        if (config.Metrics is not { } address)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddStreamFusion(config, configure);
            services?.Invoke(builder.Services);
            return builder.Build();
        }
        var web = CreateOperationsBuilder(address);
        web.Services.AddStreamFusion(config, configure);
        services?.Invoke(web.Services);
        var app = BuildListening(web, address);
        app.MapStreamFusionOperations();
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StreamFusion")
            .LogInformation("metrics: http://{Address}/metrics and /health", address);
        return app;
    }

    /// <summary>An empty web application on Kestrel alone, listening on the address (0.0.0.0 or * for every interface).</summary>
    public static WebApplicationBuilder CreateOperationsBuilder(MetricsAddress address)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => Listen(kestrel, address));
        builder.Services.AddRoutingCore();
        return builder;
    }

    /// <summary>Builds the application (which resolves the address) with the cannot-listen error as one line.</summary>
    public static WebApplication BuildListening(WebApplicationBuilder builder, MetricsAddress address) => Listening(address, builder.Build);

    /// <summary>Starts the host; a metrics address in use or not this machine's is one line, not a stack trace.</summary>
    public static async Task StartAsync(IHost host, MetricsAddress? address, CancellationToken cancellation = default)
    {
        try
        {
            await host.StartAsync(cancellation);
        }
        catch (Exception e) when (address is not null && e is IOException or SocketException)
        {
            throw CannotListen(address, e);
        }
    }

    private static T Listening<T>(MetricsAddress address, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw CannotListen(address, e);
        }
    }

    private static ArgumentException CannotListen(MetricsAddress address, Exception e) =>
        new($"metrics: cannot listen on {address}: {(e.InnerException ?? e).Message}");

    private static void Listen(KestrelServerOptions kestrel, MetricsAddress address)
    {
        var host = address.Host.Trim('[', ']');
        if (host is "0.0.0.0" or "*" or "+") kestrel.ListenAnyIP(address.Port);
        else if (host == "localhost") kestrel.ListenLocalhost(address.Port);
        else if (IPAddress.TryParse(host, out var ip)) kestrel.Listen(ip, address.Port);
        else
            foreach (var resolved in Dns.GetHostAddresses(host)) kestrel.Listen(resolved, address.Port);
    }
}
