using StreamFusion.Core.Stages;
using StreamFusion.Hosting.Records;

namespace StreamFusion.Hosting;

/// <summary>How a run ended: its outcome, what Kafka took, or the error that stopped it.</summary>
/// <param name="Delivery">null when the run published nothing to Kafka</param>
/// <param name="Error">what failed the run (a bad input, a model, a camera's error once the others were done)</param>
public sealed record RunResult(PipelineOutcome Outcome, DeliverySummary? Delivery = null, Exception? Error = null)
{
    /// <summary>Records the broker had not acknowledged when the run ended (they wait in the spool).</summary>
    public long Undelivered => Delivery?.Undelivered ?? 0;
}

/// <summary>The run of a host's cameras: its result once it has ended.</summary>
public sealed class StreamFusionRun
{
    private readonly TaskCompletionSource<RunResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<RunResult> Completion => _result.Task;

    internal void Complete(RunResult result) => _result.TrySetResult(result);
}
