using System.Threading.Channels;

namespace StreamFusion.Core.Pipeline;

/// <summary>Counters of one edge, read without locking while the pipeline runs.</summary>
public readonly record struct EdgeCounters(string Name, EdgePolicy Policy, int Capacity, long Written, long Dropped, int Depth);

public interface IPipelineEdge
{
    string Name { get; }
    EdgeCounters Counters { get; }
    void Complete();
    /// <summary>Disposes items left in the queue (after an abort) so pooled buffers go back.</summary>
    void DisposeRemaining();
}

/// <summary>A bounded channel between two stages with a per-edge full-queue policy and counters.</summary>
public sealed class PipelineEdge<T> : IPipelineEdge
{
    private readonly Channel<T> _channel;
    private readonly EdgePolicy _policy;
    private readonly int _capacity;
    private long _written;
    private long _dropped;

    public PipelineEdge(string name, int capacity, EdgePolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Name = name;
        _capacity = capacity;
        _policy = policy;
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = policy == EdgePolicy.Wait ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        };
        _channel = Channel.CreateBounded<T>(options, OnDropped);
    }

    public string Name { get; }
    public ChannelReader<T> Reader => _channel.Reader;
    public long Dropped => Interlocked.Read(ref _dropped);
    public EdgeCounters Counters => new(Name, _policy, _capacity, Interlocked.Read(ref _written), Dropped, _channel.Reader.Count);

    public async ValueTask WriteAsync(T item, CancellationToken cancellation)
    {
        if (!_channel.Writer.TryWrite(item))
            await _channel.Writer.WriteAsync(item, cancellation).ConfigureAwait(false);
        Interlocked.Increment(ref _written);
    }

    /// <summary>Blocking write for stages that run on a dedicated thread (native decode loops).</summary>
    public void Write(T item, CancellationToken cancellation)
    {
        if (!_channel.Writer.TryWrite(item))
            _channel.Writer.WriteAsync(item, cancellation).AsTask().GetAwaiter().GetResult();
        Interlocked.Increment(ref _written);
    }

    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// The consumer drops (and disposes) an item it read: a stage that takes items as they come may drop among them
    /// by its own rule (live vision drops frames left waiting for a detector). Counted with the edge's drops.
    /// </summary>
    public void Drop(T item) => OnDropped(item);

    public void DisposeRemaining()
    {
        while (_channel.Reader.TryRead(out var item))
            (item as IDisposable)?.Dispose();
    }

    private void OnDropped(T item)
    {
        Interlocked.Increment(ref _dropped);
        (item as IDisposable)?.Dispose();
    }
}
