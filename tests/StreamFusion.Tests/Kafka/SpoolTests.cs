using StreamFusion.Kafka.Publish;
using static StreamFusion.Tests.Kafka.KafkaTestSupport;

namespace StreamFusion.Tests.Kafka;

/// <summary>The publisher's durable outbox on its own: order, acknowledgement, crashes mid-write, limits, exclusivity.</summary>
public class SpoolTests
{
    private static List<int> Drain(RecordSpool spool)
    {
        var read = new List<int>();
        while (spool.TryReadNext(out var record, out _)) read.Add(int.Parse(System.Text.Encoding.UTF8.GetString(record.Value).Split(':')[^1].TrimEnd('}')));
        return read;
    }

    [Fact]
    public void Unacknowledged_records_survive_reopening_and_acknowledged_ones_do_not_come_back()
    {
        using var temp = new TempDirectory();
        using (var spool = RecordSpool.Open(temp.Path, 1 << 20, fsync: false))
        {
            for (var i = 0; i < 10; i++) Assert.True(spool.TryAppend(Numbered("cam", i)));
            long fourth = 0;
            for (var i = 0; i < 4; i++) spool.TryReadNext(out _, out fourth);
            spool.Acknowledge(fourth, 4);
            Assert.Equal(6, spool.UnackedRecords);
        }
        using var reopened = RecordSpool.Open(temp.Path, 1 << 20, fsync: false);
        Assert.Equal(6, reopened.Recovered);
        Assert.Equal([4, 5, 6, 7, 8, 9], Drain(reopened));
    }

    [Fact]
    public void A_spool_written_with_the_hand_written_crc_before_system_io_hashing_is_read_whole()
    {
        // Fixtures/spool-crc32-handwritten: 5 records (n = 0..4) written by the spool before its CRC-32 came from
        // System.IO.Hashing, the first 2 acknowledged. A CRC that disagreed would cut the log at the first entry.
        using var temp = new TempDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "spool-crc32-handwritten")))
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));

        using var spool = RecordSpool.Open(temp.Path, 1 << 20, fsync: false);

        Assert.Equal(3, spool.Recovered);
        Assert.Equal([2, 3, 4], Drain(spool));
    }

    [Fact]
    public void An_entry_torn_by_a_crash_mid_write_is_cut_off_and_the_rest_kept()
    {
        using var temp = new TempDirectory();
        using (var spool = RecordSpool.Open(temp.Path, 1 << 20, fsync: false))
            for (var i = 0; i < 3; i++) spool.TryAppend(Numbered("cam", i));
        var log = Path.Combine(temp.Path, RecordSpool.LogName);
        using (var file = File.OpenWrite(log)) file.SetLength(file.Length - 5); // the last entry lost its tail

        using var reopened = RecordSpool.Open(temp.Path, 1 << 20, fsync: false);
        Assert.Equal([0, 1], Drain(reopened));
        Assert.True(reopened.TryAppend(Numbered("cam", 3)));
        reopened.Rewind();
        Assert.Equal([0, 1, 3], Drain(reopened));
    }

    [Fact]
    public void A_full_spool_refuses_records_and_accepts_again_once_some_are_delivered()
    {
        using var temp = new TempDirectory();
        using var spool = RecordSpool.Open(temp.Path, 400, fsync: false);
        var accepted = 0;
        while (spool.TryAppend(Numbered("cam", accepted))) accepted++;
        Assert.InRange(accepted, 2, 20);
        spool.TryReadNext(out _, out var first);
        spool.Acknowledge(first, 1);
        Assert.True(spool.TryAppend(Numbered("cam", accepted)));
    }

    [Fact]
    public void A_spool_in_use_by_another_publisher_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        using var spool = RecordSpool.Open(temp.Path, 1 << 20, fsync: false);
        var error = Assert.Throws<SpoolUnavailableException>(() => RecordSpool.Open(temp.Path, 1 << 20, fsync: false));
        Assert.Contains("in use by another streamfusion process", error.Message);
    }
}
