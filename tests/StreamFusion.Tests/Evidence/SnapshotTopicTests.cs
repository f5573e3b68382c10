using System.Text.Json;
using StreamFusion.Kafka.Embedded;

namespace StreamFusion.Tests.Evidence;

/// <summary>Snapshots and "clip ready" on the snapshots topic, through the durable spool, read back by `tail --snapshots`.</summary>
public class SnapshotTopicTests
{
    [Fact]
    public void Snapshots_taken_while_the_broker_is_down_are_spooled_delivered_after_and_saved_by_tail()
    {
        using var broker = new EmbeddedBroker();
        foreach (var topic in new[] { "streamfusion.detections", "streamfusion.status", "streamfusion.snapshots" }) broker.CreateTopic(topic);
        using var temp = new TempDirectory();
        var (lobby, help) = LobbyScene.Write(temp);
        var evidence = temp.File("evidence");
        broker.SetBrokerDown(); // for the whole incident

        using var replay = new BackgroundCli("replay", lobby, "--transcript", help, "--keywords", "help", "--kafka", broker.BootstrapServers,
            "--spool", temp.File("spool"), "--flush-timeout", "60", "--out", temp.File("records.jsonl"), "--evidence", evidence);
        Waiting.WaitUntil(() => (replay.Stdout + replay.Stderr).Contains("completed in"), TimeSpan.FromSeconds(90), "the replay to finish its footage", replay.Describe);
        Assert.True(Directory.EnumerateFiles(Path.Combine(temp.File("spool"), "snapshots")).Any(f => new FileInfo(f).Length > 0), "snapshots wait in their spool");
        broker.SetBrokerUp();
        Assert.Equal(0, replay.WaitForExit(TimeSpan.FromSeconds(90)));

        var saved = temp.File("saved");
        var tail = Processes.Cli("tail", "--kafka", broker.BootstrapServers, "--snapshots", saved, "--from-beginning", "--exit-at-end");
        Assert.True(tail.ExitCode == 0, tail.Stderr);
        var records = File.ReadAllLines(temp.File("records.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var referenced = records.Where(r => r.TryGetProperty("snapshot", out _)).Select(r => r.GetProperty("snapshot")).ToList();
        Assert.All(referenced, s => Assert.Equal("streamfusion.snapshots", s.GetProperty("topic").GetString()));
        var lines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(referenced.Count + 1, lines.Length); // every snapshot once, and the clip ready
        Assert.Contains(lines, l => l.StartsWith("lobby clip ready: lobby/lobby_6.000/clip.mp4", StringComparison.Ordinal));
        foreach (var name in new[] { "start.jpg", "best.jpg" }) // the latest best is the file written last
            Assert.Equal(File.ReadAllBytes(Path.Combine(evidence, "lobby", "lobby_6.000", name)), File.ReadAllBytes(Path.Combine(saved, "lobby", "lobby_6.000", name)));
        Assert.Contains(lines, l => l.Contains($"start pts {referenced[0].GetProperty("pts").GetDouble()}", StringComparison.Ordinal));
    }
}
