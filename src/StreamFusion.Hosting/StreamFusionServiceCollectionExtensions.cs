using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamFusion.Hosting.Cameras;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Operations;

namespace StreamFusion.Hosting;

public static class StreamFusionServiceCollectionExtensions
{
    /// <summary>Extra time the host gives a stopping run beyond drain_timeout: the last records' flush, closing.</summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs a validated pipeline config (<see cref="PipelineConfigLoader"/>) as a hosted service of this host:
    /// its cameras start once the host has started and stop, draining, when the host stops. Registers the
    /// cameras' live view (<see cref="RunningCameras"/>), the run's result (<see cref="StreamFusionRun"/>), the
    /// Prometheus view (<see cref="PipelineMetrics"/>, served by MapStreamFusionOperations) and the default
    /// <see cref="IRunReporter"/> (summaries as log lines), each replaceable.
    /// </summary>
    public static IServiceCollection AddStreamFusion(this IServiceCollection services, PipelineConfig config, Action<StreamFusionOptions>? configure = null)
    {
        services.AddSingleton(Options.Create(config));
        var options = services.AddOptions<StreamFusionOptions>();
        if (configure is not null) options.Configure(configure);
        services.Configure<HostOptions>(host =>
        {
            var needed = config.DrainTimeout + ShutdownMargin;
            if (host.ShutdownTimeout < needed) host.ShutdownTimeout = needed;
        });
        services.TryAddSingleton<RunningCameras>();
        services.TryAddSingleton<StreamFusionRun>();
        services.TryAddSingleton<PipelineMetrics>();
        services.TryAddSingleton<IRunReporter, LoggingRunReporter>();
        services.AddHostedService<StreamFusionService>();
        return services;
    }
}
