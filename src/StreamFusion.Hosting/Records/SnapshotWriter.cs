using StreamFusion.Fusion.Windows;
using StreamFusion.Vision.Evidence;
using StreamFusion.Vision.Scene;

namespace StreamFusion.Hosting.Records;

/// <summary>
/// Incident snapshots under the evidence folder: CAMERA/INCIDENT/start.jpg from the incident's first window and
/// best.jpg from its best-scoring window so far (replaced while the incident is open), each written to a
/// temporary name and renamed, so a reader never sees half a file. The record of that window references it.
/// </summary>
public sealed class SnapshotWriter(EvidenceSettings settings, string camera, FrameKeeper keeper, SceneRules rules)
{
    private readonly Dictionary<string, double> _bestScore = [];

    public FusedSnapshot? For(FusedRecord record)
    {
        if (record.Incident is not { } incident || record.Revision > 0) return null;
        if (incident.State == "end")
        {
            _bestScore.Remove(incident.Id);
            return null;
        }
        var started = incident.State == "start";
        if (!started && _bestScore.TryGetValue(incident.Id, out var best) && record.Score <= best) return null;
        if (keeper.Frame(record.Start) is not { } frame) return null; // no frame analysed in that window
        _bestScore[incident.Id] = record.Score;
        var folder = EvidencePaths.Folder(camera, incident.Id);
        var jpeg = SnapshotRenderer.Jpeg(frame, rules, settings.MaxWidth, settings.Quality);
        if (started) Write(Path.Combine(folder, "start.jpg"), jpeg);
        Write(Path.Combine(folder, "best.jpg"), jpeg);
        var (width, height) = settings.MaxWidth > 0 && frame.Width > settings.MaxWidth
            ? (settings.MaxWidth, (int)Math.Round(frame.Height * (double)settings.MaxWidth / frame.Width)) : (frame.Width, frame.Height);
        return new FusedSnapshot(started ? "start" : "best", Path.Combine(folder, started ? "start.jpg" : "best.jpg"), Math.Round(frame.Pts, 6), width, height);
    }

    private void Write(string relative, byte[] bytes) => EvidencePaths.WriteAtomically(Path.Combine(settings.Directory, relative), bytes);
}
