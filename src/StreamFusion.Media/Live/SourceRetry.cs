namespace StreamFusion.Media.Live;

/// <summary>
/// The one retry rule of a camera's source, for a camera that cannot be reached at start and for a stream that
/// fails, ends or stalls once running: which errors are worth another try, and the backoff between tries
/// (<see cref="ReconnectPolicy"/>), reported through the camera's health.
/// </summary>
public sealed class SourceRetry(ReconnectPolicy policy, CameraHealth health)
{
    private readonly Random _jitter = new();

    /// <summary>
    /// Everything a restarting camera or server can answer is retried (refused, timed out, not published yet, an
    /// empty or garbled answer, a cut stream); what no retry can fix is not: a codec or protocol this FFmpeg lacks,
    /// a broken installation.
    /// </summary>
    public static bool IsRetryable(MediaException error) => error is not (UnsupportedMediaException or MediaLibraryException or MediaAccessDeniedException);

    /// <summary>Waits out the backoff, then tries <paramref name="open"/>, until it succeeds or the attempts run out.</summary>
    /// <param name="why">what went wrong before the first attempt (shown in the camera's health)</param>
    /// <returns>what opened; null when stopped first</returns>
    /// <exception cref="MediaException">the last error once <see cref="ReconnectPolicy.MaxAttempts"/> attempts failed,
    /// or at once an error that is not retryable</exception>
    public async Task<T?> OpenAsync<T>(Func<CancellationToken, Task<T>> open, string why, MediaException? cause, CancellationToken stop) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            if (policy.MaxAttempts > 0 && attempt > policy.MaxAttempts)
            {
                health.Set(CameraState.Failed, $"gave up after {policy.MaxAttempts} attempts: {why}");
                throw cause ?? new MediaNetworkException($"{health.Camera}: gave up after {policy.MaxAttempts} attempts: {why}");
            }
            var delay = policy.Delay(attempt, _jitter);
            health.Set(CameraState.BackingOff, $"{why}; reconnecting in {delay.TotalSeconds:F1} s (attempt {attempt})");
            try
            {
                await Task.Delay(delay, stop).ConfigureAwait(false);
                health.Set(CameraState.Connecting);
                return await open(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (MediaAbortedException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (MediaException error) when (IsRetryable(error))
            {
                (why, cause) = (error.Message, error);
            }
            catch (MediaException error)
            {
                health.Set(CameraState.Failed, error.Message);
                throw;
            }
        }
    }
}
