namespace StreamFusion.Core.Metrics;

/// <summary>
/// Latency distribution in logarithmic buckets (about 2 % wide, 10 µs to 20 min): fixed memory however long a
/// camera runs, lock-free recording, percentiles within a bucket's width.
/// </summary>
public sealed class LatencyHistogram
{
    private const double MinSeconds = 1e-5, Growth = 1.02;
    private static readonly int BucketCount = (int)Math.Ceiling(Math.Log(1200 / MinSeconds) / Math.Log(Growth)) + 2;
    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private double _sumSeconds;
    private readonly object _sumLock = new();

    public long Count => Interlocked.Read(ref _count);

    public double MeanSeconds
    {
        get { lock (_sumLock) return _count == 0 ? 0 : _sumSeconds / _count; }
    }

    public void Record(TimeSpan latency)
    {
        var seconds = Math.Max(0, latency.TotalSeconds);
        var bucket = seconds <= MinSeconds ? 0 : Math.Min(BucketCount - 1, 1 + (int)(Math.Log(seconds / MinSeconds) / Math.Log(Growth)));
        Interlocked.Increment(ref _buckets[bucket]);
        lock (_sumLock)
        {
            _count++;
            _sumSeconds += seconds;
        }
    }

    /// <summary>The latency below which this fraction (0..1) of samples fall (bucket upper bound); 0 with no samples.</summary>
    public TimeSpan Percentile(double fraction)
    {
        var total = Count;
        if (total == 0) return TimeSpan.Zero;
        var rank = Math.Max(1, (long)Math.Ceiling(fraction * total));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank) return TimeSpan.FromSeconds(MinSeconds * Math.Pow(Growth, i));
        }
        return TimeSpan.FromSeconds(MinSeconds * Math.Pow(Growth, BucketCount - 1));
    }
}
