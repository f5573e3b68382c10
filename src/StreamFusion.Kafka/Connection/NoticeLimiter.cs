namespace StreamFusion.Kafka.Connection;

/// <summary>Lets a repeating notice (same kind) through at most once per interval, so an outage is a few lines, not a flood.</summary>
internal sealed class NoticeLimiter(TimeSpan interval)
{
    private readonly Dictionary<string, DateTime> _last = [];

    public bool Allow(string kind)
    {
        lock (_last)
        {
            var now = DateTime.UtcNow;
            if (_last.TryGetValue(kind, out var last) && now - last < interval) return false;
            _last[kind] = now;
            return true;
        }
    }
}
