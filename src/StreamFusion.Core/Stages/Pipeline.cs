namespace StreamFusion.Core.Stages;

/// <summary>How a pipeline run ended (a stage failure throws <see cref="PipelineFailedException"/> instead).</summary>
public enum PipelineOutcome
{
    /// <summary>Sources reached their end and every stage drained.</summary>
    Completed,

    /// <summary>A stop was requested; sources stopped and in-flight items were finished.</summary>
    Drained,

    /// <summary>A stop was requested but draining exceeded the drain timeout; remaining items were discarded.</summary>
    Aborted,
}

/// <summary>
/// Stages joined by bounded edges. Sources observe the stop token (graceful: stop producing, let the rest
/// drain); every stage observes the abort token (hard stop after a failure or a drain timeout). When a stage
/// returns, the edges it writes are completed, so downstream stages finish once they have read everything.
/// </summary>
public sealed class Pipeline(string name)
{
    private sealed record Stage(string Name, bool IsSource, Func<CancellationToken, Task> Run, IPipelineEdge[] Outputs);

    private readonly List<Stage> _stages = [];
    private readonly List<IPipelineEdge> _edges = [];

    public string Name { get; } = name;
    public IReadOnlyList<IPipelineEdge> Edges => _edges;

    public PipelineEdge<T> AddEdge<T>(string edgeName, int capacity, EdgePolicy policy)
    {
        // Edge names are metric labels: two edges of one name would read as one queue.
        if (_edges.Any(e => e.Name == edgeName)) throw new ArgumentException($"{Name}: an edge named '{edgeName}' exists already");
        var edge = new PipelineEdge<T>(edgeName, capacity, policy);
        _edges.Add(edge);
        return edge;
    }

    public void AddSource(string stageName, Func<CancellationToken, Task> run, IPipelineEdge output) =>
        _stages.Add(new Stage(stageName, true, run, [output]));

    /// <summary>A source that blocks (native reads) runs on a thread of its own, so it never holds a pool thread.</summary>
    public void AddBlockingSource(string stageName, Action<CancellationToken> run, IPipelineEdge output) =>
        AddSource(stageName, token => Task.Factory.StartNew(() => run(token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default), output);

    public void AddStage(string stageName, Func<CancellationToken, Task> run, params IPipelineEdge[] outputs) =>
        _stages.Add(new Stage(stageName, false, run, outputs));

    public long TotalDropped => _edges.Sum(e => e.Counters.Dropped);

    public async Task<PipelineOutcome> RunAsync(CancellationToken stop, TimeSpan drainTimeout)
    {
        using var abort = new CancellationTokenSource();
        using var sourceStop = CancellationTokenSource.CreateLinkedTokenSource(stop, abort.Token);
        using var drainDeadline = stop.Register(() => abort.CancelAfter(drainTimeout));
        (string Stage, Exception Error)? failure = null;
        var failureLock = new object();

        async Task RunStage(Stage stage)
        {
            var token = stage.IsSource ? sourceStop.Token : abort.Token;
            try
            {
                await stage.Run(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception error)
            {
                lock (failureLock)
                    failure ??= (stage.Name, error);
                abort.Cancel();
            }
            finally
            {
                foreach (var output in stage.Outputs)
                    output.Complete();
            }
        }

        await Task.WhenAll(_stages.Select(stage => Task.Run(() => RunStage(stage)))).ConfigureAwait(false);

        foreach (var edge in _edges)
            edge.DisposeRemaining();
        if (failure is { } f)
            throw new PipelineFailedException(Name, f.Stage, f.Error);
        if (abort.IsCancellationRequested)
            return PipelineOutcome.Aborted;
        return stop.IsCancellationRequested ? PipelineOutcome.Drained : PipelineOutcome.Completed;
    }
}
