using StreamFusion.Core.Stages;
using StreamFusion.Media;
using StreamFusion.Media.Items;
using StreamFusion.Media.Stage;
using CorePipeline = StreamFusion.Core.Stages.Pipeline;

namespace StreamFusion.Tests.Pipeline;

public class PipelineTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    private sealed class Tracked(int value) : IDisposable
    {
        public static int Disposed;
        public int Value { get; } = value;
        public void Dispose() => Interlocked.Increment(ref Disposed);
    }

    [Fact]
    public void Two_edges_of_one_name_are_refused_because_names_are_metric_labels()
    {
        var pipeline = new CorePipeline("camera 'gate'");
        pipeline.AddEdge<int>("decode→route", 4, EdgePolicy.Wait);

        var error = Assert.Throws<ArgumentException>(void () => pipeline.AddEdge<string>("decode→route", 8, EdgePolicy.DropOldest));

        Assert.Equal("camera 'gate': an edge named 'decode→route' exists already", error.Message);
    }

    [Fact]
    public async Task Wait_policy_is_lossless_and_ordered_under_a_slow_consumer()
    {
        var pipeline = new CorePipeline("test");
        var edge = pipeline.AddEdge<int>("numbers", 4, EdgePolicy.Wait);
        var received = new List<int>();
        pipeline.AddSource("produce", async token =>
        {
            for (var i = 0; i < 200; i++) await edge.WriteAsync(i, token);
        }, edge);
        pipeline.AddStage("consume", async token =>
        {
            await foreach (var n in edge.Reader.ReadAllAsync(token))
            {
                if (n % 20 == 0) await Task.Delay(5, token);
                received.Add(n);
            }
        });

        var outcome = await pipeline.RunAsync(CancellationToken.None, Drain);

        Assert.Equal(PipelineOutcome.Completed, outcome);
        Assert.Equal(Enumerable.Range(0, 200), received);
        Assert.Equal(0, edge.Counters.Dropped);
        Assert.Equal(200, edge.Counters.Written);
    }

    [Fact]
    public async Task Drop_oldest_counts_and_disposes_what_a_slow_consumer_misses_and_keeps_the_newest()
    {
        Tracked.Disposed = 0;
        var pipeline = new CorePipeline("test");
        var edge = pipeline.AddEdge<Tracked>("frames", 4, EdgePolicy.DropOldest);
        var received = new List<int>();
        pipeline.AddSource("produce", async token =>
        {
            for (var i = 0; i < 300; i++)
            {
                await edge.WriteAsync(new Tracked(i), token);
                if (i % 10 == 0) await Task.Delay(1, token);
            }
        }, edge);
        pipeline.AddStage("slow-consume", async token =>
        {
            await foreach (var item in edge.Reader.ReadAllAsync(token))
            {
                using (item) received.Add(item.Value);
                await Task.Delay(10, token);
            }
        });

        await pipeline.RunAsync(CancellationToken.None, Drain);

        var dropped = edge.Counters.Dropped;
        Assert.True(dropped > 100, $"expected many drops, got {dropped}");
        Assert.Equal(300, received.Count + dropped);
        Assert.Equal(300, Tracked.Disposed);
        Assert.Equal(299, received[^1]);
        Assert.Equal(received.Order(), received);
    }

    [Fact]
    public async Task Stop_drains_in_flight_items_and_lets_sinks_flush()
    {
        using var stop = new CancellationTokenSource();
        var pipeline = new CorePipeline("test");
        var raw = pipeline.AddEdge<int>("raw", 16, EdgePolicy.Wait);
        var processed = pipeline.AddEdge<int>("processed", 16, EdgePolicy.Wait);
        var produced = 0;
        var sunk = new List<int>();
        var flushed = false;
        pipeline.AddSource("produce", async token =>
        {
            for (var i = 0; ; i++)
            {
                await raw.WriteAsync(i, token);
                produced = i + 1;
                if (i == 50) stop.Cancel();
            }
        }, raw);
        pipeline.AddStage("process", async token =>
        {
            await foreach (var n in raw.Reader.ReadAllAsync(token))
            {
                await Task.Delay(2, token);
                await processed.WriteAsync(n, token);
            }
        }, processed);
        pipeline.AddStage("sink", async token =>
        {
            await foreach (var n in processed.Reader.ReadAllAsync(token)) sunk.Add(n);
            flushed = true;
        });

        var outcome = await pipeline.RunAsync(stop.Token, Drain);

        Assert.Equal(PipelineOutcome.Drained, outcome);
        Assert.True(flushed);
        Assert.Equal(Enumerable.Range(0, produced), sunk);
    }

    [Fact]
    public async Task A_failing_stage_stops_everything_and_is_named_never_a_hang()
    {
        var pipeline = new CorePipeline("camera 'lobby'");
        var edge = pipeline.AddEdge<int>("numbers", 2, EdgePolicy.Wait);
        pipeline.AddSource("produce", async token =>
        {
            for (var i = 0; ; i++) await edge.WriteAsync(i, token);
        }, edge);
        pipeline.AddStage("detect", async token =>
        {
            await foreach (var n in edge.Reader.ReadAllAsync(token))
                if (n == 10) throw new InvalidDataException("model output has wrong shape");
        });

        var run = pipeline.RunAsync(CancellationToken.None, Drain);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(run, finished);
        var error = await Assert.ThrowsAsync<PipelineFailedException>(() => run);
        Assert.Equal("detect", error.Stage);
        Assert.Equal("camera 'lobby': stage 'detect' failed: model output has wrong shape", error.Message);
    }

    [Fact]
    public async Task A_stage_that_ignores_the_stop_is_aborted_at_the_drain_timeout()
    {
        Tracked.Disposed = 0;
        using var stop = new CancellationTokenSource();
        var pipeline = new CorePipeline("test");
        var edge = pipeline.AddEdge<Tracked>("items", 8, EdgePolicy.Wait);
        pipeline.AddSource("produce", async token =>
        {
            for (var i = 0; i < 8; i++) await edge.WriteAsync(new Tracked(i), token);
            stop.Cancel();
        }, edge);
        pipeline.AddStage("stuck", async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
        });

        var outcome = await pipeline.RunAsync(stop.Token, TimeSpan.FromMilliseconds(300));

        Assert.Equal(PipelineOutcome.Aborted, outcome);
        Assert.Equal(8, Tracked.Disposed);
    }

    [Fact]
    public async Task Decode_stage_stops_promptly_and_releases_pooled_frames_on_stop()
    {
        using var source = MediaSource.Open(TestAssets.Media("vtest_480x360.avi"));
        using var stop = new CancellationTokenSource();
        var decode = new DecodeStage(source, Pacing.RealTime);
        var pipeline = new CorePipeline("test");
        var edge = pipeline.AddEdge<MediaItem>("decoded", 4, EdgePolicy.Wait);
        var frames = 0;
        pipeline.AddBlockingSource("decode", token => decode.Run(edge, token), edge);
        pipeline.AddStage("consume", async token =>
        {
            await foreach (var item in edge.Reader.ReadAllAsync(token))
                using (item)
                    if (item is VideoFrame && ++frames == 5) stop.Cancel();
        });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await pipeline.RunAsync(stop.Token, Drain);

        Assert.Equal(PipelineOutcome.Drained, outcome);
        Assert.InRange(frames, 5, 7);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed} (the clip lasts 79 s at real time)");
        Assert.InRange(decode.Position, 0.4, 1.2); // the decoder may run a queue's worth ahead of a busy consumer
    }

    [Fact]
    public async Task Realtime_pacing_follows_the_media_clock()
    {
        using var source = MediaSource.Open(TestAssets.Media("grid_swwp2s.mpg"), new MediaSourceOptions { Audio = false });
        var decode = new DecodeStage(source, new Pacing(2));
        var pipeline = new CorePipeline("test");
        var edge = pipeline.AddEdge<MediaItem>("decoded", 4, EdgePolicy.Wait);
        pipeline.AddBlockingSource("decode", token => decode.Run(edge, token), edge);
        pipeline.AddStage("consume", async token =>
        {
            await foreach (var item in edge.Reader.ReadAllAsync(token)) item.Dispose();
        });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await pipeline.RunAsync(CancellationToken.None, Drain);

        // 75 frames at 25 fps span 2.96 s of media: at 2x the pipeline is held back ~1.48 s. (Exact speed maths is
        // tested without a clock below: a busy machine can only make this run longer.)
        Assert.True(clock.Elapsed.TotalSeconds >= 1.4, $"took {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Theory]
    [InlineData(2.0, 2.96, 0.0, 1.48)]
    [InlineData(2.0, 2.96, 1.0, 0.48)]
    [InlineData(0.5, 1.0, 0.5, 1.5)]
    [InlineData(1.0, 3.0, 4.0, -1.0)]
    public void Pacing_holds_an_item_until_its_pts_divided_by_the_speed(double speed, double pts, double elapsed, double dueSeconds)
    {
        var pacer = new Pacer(new Pacing(speed));
        Assert.True(pacer.Wait(0, CancellationToken.None)); // the first item starts the clock

        Assert.Equal(dueSeconds, pacer.DueIn(pts, TimeSpan.FromSeconds(elapsed)).TotalSeconds, 6);
    }

    [Theory]
    [InlineData("fast", 0)]
    [InlineData("realtime", 1)]
    [InlineData("2x", 2)]
    [InlineData("0.5", 0.5)]
    public void Pacing_parses_from_config_text(string text, double speed)
    {
        Assert.True(Pacing.TryParse(text, out var pacing));
        Assert.Equal(speed, pacing.Speed);
    }

    [Theory]
    [InlineData("warp")]
    [InlineData("-1x")]
    [InlineData("0")]
    public void Pacing_rejects_nonsense(string text) => Assert.False(Pacing.TryParse(text, out _));
}
