using Microsoft.Extensions.Logging.Abstractions;
using StreamFusion.Core.Config;
using StreamFusion.Hosting.Config;
using StreamFusion.Hosting.Records;

namespace StreamFusion.Tests.Evidence;

/// <summary>evidence.retain: whole incident folders go oldest first, by age or total size, never one being written.</summary>
public class RetentionTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    private static void Incident(string evidence, string name, int kilobytes, TimeSpan age, bool writing = false)
    {
        var folder = Path.Combine(evidence, "door", name);
        Directory.CreateDirectory(folder);
        var clip = Path.Combine(folder, writing ? "clip.mp4.part" : "clip.mp4");
        File.WriteAllBytes(clip, new byte[kilobytes * 1024]);
        File.SetLastWriteTimeUtc(clip, Now - age);
    }

    [Fact]
    public void Over_its_size_the_oldest_incidents_go_first_and_one_being_written_stays()
    {
        using var temp = new TempDirectory();
        Incident(temp.Path, "door_10.000", 400, TimeSpan.FromHours(5));
        Incident(temp.Path, "door_20.000", 400, TimeSpan.FromSeconds(30), writing: true); // a clip still being written
        Incident(temp.Path, "door_30.000", 400, TimeSpan.FromHours(3));
        Incident(temp.Path, "door_40.000", 400, TimeSpan.FromMinutes(1));
        using var retention = new EvidenceRetention(temp.Path, new RetentionSettings(null, 300 * 1024), NullLogger.Instance);

        retention.Sweep(Now);

        // Still over the limit after the three finished ones went: the one being written stays all the same.
        Assert.Equal(["door_20.000"], Directory.GetDirectories(Path.Combine(temp.Path, "door")).Select(Path.GetFileName));
        Assert.Equal((3, 1200 * 1024), retention.Deleted);
        Assert.Equal(400 * 1024, retention.Bytes);
    }

    [Fact]
    public void Older_than_its_days_incidents_go_and_a_temporary_file_left_by_a_killed_run_is_removed()
    {
        using var temp = new TempDirectory();
        Incident(temp.Path, "door_10.000", 10, TimeSpan.FromDays(8));
        Incident(temp.Path, "door_20.000", 10, TimeSpan.FromDays(2), writing: true); // left two days ago: nobody writes it any more
        Incident(temp.Path, "door_30.000", 10, TimeSpan.FromDays(1));
        using var retention = new EvidenceRetention(temp.Path, new RetentionSettings(TimeSpan.FromDays(7), null), NullLogger.Instance);

        retention.Sweep(Now);

        Assert.False(Directory.Exists(Path.Combine(temp.Path, "door", "door_10.000")));
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Path, "door", "door_20.000")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "door", "door_30.000", "clip.mp4")));
    }

    [Fact]
    public void Retain_and_clip_settings_are_read_and_checked()
    {
        var config = PipelineConfigLoader.Parse("/srv/p.yaml", new StringReader("""
            evidence:
              dir: evidence
              clip: { pre_roll: 10s, post_roll: 3s, max_length: 1m }
              retain: { days: 7, max_mb: 2048 }
            cameras: [{ id: a, uri: a.mp4 }]
            """));
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse("/srv/p.yaml", new StringReader("""
            evidence:
              dir: evidence
              clip: { pre_roll: 10m }
              retain: {}
            cameras: [{ id: a, uri: a.mp4 }]
            """)));

        var evidence = config.Evidence!;
        Assert.Equal("/srv/evidence", evidence.Directory);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(1)), (evidence.Clips!.PreRoll, evidence.Clips.PostRoll, evidence.Clips.MaxLength));
        Assert.Equal(new RetentionSettings(TimeSpan.FromDays(7), 2048L << 20), evidence.Retain);
        Assert.Contains(error.Errors, e => e.Key == "evidence.clip.pre_roll" && e.Problem == "must be from 0 to 5m");
        Assert.Contains(error.Errors, e => e.Key == "evidence.retain.days" && e.Problem == "retain needs days, max_mb or both");
        Assert.Null(PipelineConfigLoader.Parse("/srv/p.yaml", new StringReader("evidence: { dir: e, clip: { enabled: false } }\ncameras: [{ id: a, uri: a.mp4 }]")).Evidence!.Clips);
    }
}
