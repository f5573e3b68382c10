using Microsoft.Extensions.Logging;

namespace StreamFusion.Core.Logging;

/// <summary>
/// A camera's logger: every message carries the camera's id as a scope ({"camera": id}), from whichever thread
/// it is logged (decode threads, timers, detector threads), so formatters and log shippers never parse it back.
/// </summary>
public static class CameraLogging
{
    public const string ScopeKey = "camera";

    public static ILogger ForCamera(this ILogger logger, string camera) => new CameraLogger(logger, camera);

    /// <summary>The camera a log entry's scopes name, if any.</summary>
    public static string? CameraOf(object? scope) =>
        scope is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.FirstOrDefault(p => p.Key == ScopeKey).Value as string
            : null;

    private sealed class CameraLogger(ILogger inner, string camera) : ILogger
    {
        private readonly KeyValuePair<string, object?>[] _scope = [new(ScopeKey, camera)];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using (inner.BeginScope(_scope)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
