using StreamFusion.Core.Stages;

namespace StreamFusion.Tests.Pipeline;

public class PipelineEdgeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_edge_lets_its_writer_refill_only_once_half_empty(bool blockingWriter)
    {
        var edge = new PipelineEdge<int>("test", 8, EdgePolicy.Wait);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 16; i++)
                if (blockingWriter) edge.Write(i, CancellationToken.None);
                else await edge.WriteAsync(i, CancellationToken.None);
        });
        await WaitForCount(edge, 8);
        var read = new List<int>();
        for (var i = 0; i < 3; i++) read.Add(ReadOne(edge));
        await Task.Delay(200);
        Assert.Equal(5, edge.Reader.Count); // still over half full: the writer waits

        read.Add(ReadOne(edge));
        await WaitForCount(edge, 8); // half empty: the writer refills in one go
        while (read.Count < 16) read.Add(await edge.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        await writer.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(0, 16), read);
    }

    [Fact]
    public async Task A_writer_and_a_reader_racing_lose_and_reorder_nothing()
    {
        var edge = new PipelineEdge<int>("race", 4, EdgePolicy.Wait);
        const int count = 20_000;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++) await edge.WriteAsync(i, CancellationToken.None);
            edge.Complete();
        });
        var expected = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var item in edge.Reader.ReadAllAsync(timeout.Token))
        {
            Assert.Equal(expected++, item);
            if (item % 97 == 0) await Task.Yield();
        }
        await writer;
        Assert.Equal((count, count), (expected, (int)edge.Counters.Written));
    }

    private static int ReadOne(PipelineEdge<int> edge) => edge.Reader.TryRead(out var item) ? item : throw new InvalidOperationException("the edge is empty");

    private static async Task WaitForCount(PipelineEdge<int> edge, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (edge.Reader.Count != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the edge holds {edge.Reader.Count} items, expected {count}");
            await Task.Delay(5);
        }
    }
}
