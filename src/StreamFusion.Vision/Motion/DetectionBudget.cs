namespace StreamFusion.Vision.Motion;

/// <summary>
/// A process-wide cap on detections per second, shared fairly: each camera that asked for a detection in the last
/// second gets an equal share of the budget (a camera with a static scene asks rarely and leaves its share to
/// the busy ones). A camera over its share skips the frame (its last objects are carried forward) instead of
/// queueing behind the others, so under overload every camera keeps a steady, equal detection rate.
/// </summary>
public sealed class DetectionBudget(double maxPerSecond, Func<DateTime>? clock = null)
{
    private static readonly TimeSpan ActiveWindow = TimeSpan.FromSeconds(1);
    private readonly Func<DateTime> _clock = clock ?? (() => DateTime.UtcNow);
    private readonly Dictionary<string, Account> _accounts = [];

    public double MaxPerSecond => maxPerSecond;

    /// <summary>True when this camera may run a detection now (and it is counted); false: skip this frame.</summary>
    public bool TryTake(string camera)
    {
        lock (_accounts)
        {
            var now = _clock();
            if (!_accounts.TryGetValue(camera, out var account)) _accounts[camera] = account = new Account { Refilled = now, Credit = 1 };
            account.LastAsked = now;
            var active = _accounts.Values.Count(a => now - a.LastAsked <= ActiveWindow);
            var share = maxPerSecond / Math.Max(1, active);
            // Credit grows at the camera's share, up to half a second's worth (at least one detection).
            account.Credit = Math.Min(Math.Max(1, share / 2), account.Credit + (now - account.Refilled).TotalSeconds * share);
            account.Refilled = now;
            if (account.Credit < 1)
            {
                account.Skipped++;
                return false;
            }
            account.Credit -= 1;
            return true;
        }
    }

    /// <summary>Frames this camera skipped because it was over its share.</summary>
    public long Skipped(string camera)
    {
        lock (_accounts) return _accounts.TryGetValue(camera, out var account) ? account.Skipped : 0;
    }

    private sealed class Account
    {
        public DateTime Refilled, LastAsked;
        public double Credit;
        public long Skipped;
    }
}
