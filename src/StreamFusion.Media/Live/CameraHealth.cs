using Microsoft.Extensions.Logging;

namespace StreamFusion.Media.Live;

/// <summary>
/// A camera's source health, written by its decode stage and read by progress, metrics and the health endpoint:
/// state and since when, reconnects, the last error (credentials redacted), when the last item arrived, and the
/// media time skipped over by outages.
/// </summary>
/// <param name="logger">state changes, as notices (the camera's own logger: its scope names the camera)</param>
public sealed class CameraHealth(string camera, ILogger? logger = null)
{
    private readonly object _gate = new();
    private CameraState _state = CameraState.Connecting;
    private DateTimeOffset _since = DateTimeOffset.UtcNow;
    private string? _lastError;
    private long _reconnects;
    private double _gapSeconds;

    public string Camera => camera;
    public CameraState State { get { lock (_gate) return _state; } }
    public DateTimeOffset Since { get { lock (_gate) return _since; } }
    public string? LastError { get { lock (_gate) return _lastError; } }
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public double GapSeconds { get { lock (_gate) return _gapSeconds; } }

    /// <summary>Every change of state (and every new detail of one), after it is recorded: the status topic's source.</summary>
    public event Action<CameraHealth, CameraState, string?>? Changed;

    public void Set(CameraState state, string? detail = null)
    {
        lock (_gate)
        {
            if (state == _state && detail is null) return;
            (_state, _since) = (state, DateTimeOffset.UtcNow);
            if (state is CameraState.Stalled or CameraState.BackingOff or CameraState.Failed && detail is not null) _lastError = detail;
        }
        Changed?.Invoke(this, state, detail);
        logger?.Log(state == CameraState.Failed ? LogLevel.Error : LogLevel.Information, "{State}{Detail}", state.Name(), detail is null ? "" : ": " + detail);
    }

    /// <summary>The source is live again after an outage that skipped this much media time.</summary>
    public void Reconnected(double gapSeconds)
    {
        Interlocked.Increment(ref _reconnects);
        lock (_gate) _gapSeconds += gapSeconds;
        Set(CameraState.Live, $"reconnected ({Reconnects} so far), {gapSeconds:F1} s of media time missed");
    }
}
