using Microsoft.Extensions.Hosting;

namespace StreamFusion.Cli.Hosting;

/// <summary>The CLI's host lifetime: the first Ctrl+C or SIGTERM (<see cref="ShutdownSignal"/>) stops the host, which drains the run.</summary>
internal sealed class SignalLifetime(ShutdownSignal signal, IHostApplicationLifetime lifetime) : IHostLifetime, IDisposable
{
    private CancellationTokenRegistration _stopping;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _stopping = signal.Token.Register(lifetime.StopApplication);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();
}
