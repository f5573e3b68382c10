namespace StreamFusion.Media.Live;

/// <summary>
/// How a live camera recovers: a source that fails, ends or stalls (no item for <see cref="StallTimeout"/>) is
/// reopened after an exponential backoff with jitter, forever unless <see cref="MaxAttempts"/> says otherwise.
/// </summary>
/// <param name="Enabled">on for network sources and devices by default, off for files</param>
/// <param name="MaxAttempts">consecutive failed attempts before the camera gives up; 0 = never</param>
/// <param name="Jitter">each delay is scaled by a random factor in [1 - jitter, 1 + jitter]</param>
/// <param name="Finite">the user says the source ends (a recording served over the network): its end is the end,
/// not an outage. Otherwise a stream that ends, however its server announced it, is reopened.</param>
public sealed record ReconnectPolicy(
    bool Enabled, TimeSpan Initial, TimeSpan Max, double Multiplier = 2, double Jitter = 0.2, int MaxAttempts = 0, TimeSpan? StallTimeout = null,
    bool Finite = false)
{
    public static readonly ReconnectPolicy Off = new(false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    public static readonly ReconnectPolicy Live = new(true, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    public TimeSpan StallTimeoutOrDefault => StallTimeout ?? TimeSpan.FromSeconds(10);

    /// <summary>The wait before attempt number <paramref name="attempt"/> (1 for the first retry).</summary>
    public TimeSpan Delay(int attempt, Random random)
    {
        var seconds = Math.Min(Max.TotalSeconds, Initial.TotalSeconds * Math.Pow(Multiplier, Math.Max(0, attempt - 1)));
        var factor = 1 + Jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromSeconds(Math.Max(0, seconds * factor));
    }
}
