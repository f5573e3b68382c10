using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace StreamFusion.Cli;

/// <summary>
/// First Ctrl+C or SIGTERM: stop reading sources and drain what is in flight. A second one: exit at once.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public ShutdownSignal(ILogger logger)
    {
        _logger = logger;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;
    public PosixSignal? Received { get; private set; }

    public int ExitCode => Received == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Console.Error.WriteLine("forced exit: in-flight items discarded"); // now: the logger's queue would not be written before the exit
            Environment.Exit(ExitCode);
        }
        Received = context.Signal;
        _logger.LogInformation("{Signal}: stopping sources and draining in-flight items (send again to force)", context.Signal);
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
