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

    /// <returns>the snapshot the record should reference and its JPEG, when the record's window gave one</returns>
    public (FusedSnapshot Reference, byte[] Jpeg)? For(FusedRecord record)
    {
        if (record.Incident is not { } incident || record.Revision > 0) return null;
        if (incident.State == "end")
        {
            _bestScore.Remove(incident.Id);
            return null;
        }
        var started = incident.State == "start";
        if (!started && _bestScore.TryGetValue(incident.Id, out var best) && record.Score <= best) return null;
        var folder = EvidencePaths.Folder(camera, incident.Id);
        var kind = started ? "start" : "best";
        var taken = keeper.With<(FusedSnapshot Reference, byte[] Jpeg)?>(record.Start, frame => Render(frame, folder, kind));
        if (taken is null) return null; // no frame analysed in that window
        _bestScore[incident.Id] = record.Score;
        if (started) Write(Path.Combine(folder, "start.jpg"), taken.Value.Jpeg);
        Write(Path.Combine(folder, "best.jpg"), taken.Value.Jpeg);
        return taken;
    }

    /// <summary>Under the keeper's lock: the JPEG and the reference; the clean copy and crops, when asked, are written here.</summary>
    private (FusedSnapshot Reference, byte[] Jpeg) Render(KeptFrame frame, string folder, string kind)
    {
        var jpeg = SnapshotRenderer.Jpeg(frame, rules, settings.MaxWidth, settings.Quality);
        if (settings.CleanCopy) Write(Path.Combine(folder, kind + "-clean.jpg"), SnapshotRenderer.Jpeg(frame, rules, settings.MaxWidth, settings.Quality, overlay: false));
        if (settings.Crops)
        {
            var crops = Path.Combine(settings.Directory, folder, "crops");
            if (Directory.Exists(crops)) foreach (var old in Directory.GetFiles(crops, kind + "-*")) File.Delete(old); // the previous best's
            var images = SnapshotRenderer.Crops(frame, settings.Quality);
            for (var i = 0; i < images.Count; i++)
                Write(Path.Combine(folder, "crops", $"{kind}-{i + 1}-{EvidencePaths.Safe(frame.Objects[i].Label)}.jpg"), images[i]);
        }
        var (width, height) = settings.MaxWidth > 0 && frame.Width > settings.MaxWidth
            ? (settings.MaxWidth, (int)Math.Round(frame.Height * (double)settings.MaxWidth / frame.Width)) : (frame.Width, frame.Height);
        var drawn = frame.Objects.Select((o, i) => Drawn(o, frame.TrackIds[i], frame.Width, frame.Height)).ToList();
        return (new FusedSnapshot(kind, Path.Combine(folder, kind + ".jpg"), Math.Round(frame.Pts, 6), width, height, drawn), jpeg);
    }

    private static FusedObject Drawn(StreamFusion.Vision.Detection.DetectedObject o, int track, int width, int height)
    {
        var b = o.Box.ClipTo(width, height).Normalize(width, height);
        return new FusedObject(o.Label, Math.Round(o.Score, 4), [Math.Round(b.X, 5), Math.Round(b.Y, 5), Math.Round(b.Width, 5), Math.Round(b.Height, 5)], track);
    }

    private void Write(string relative, byte[] bytes) => EvidencePaths.WriteAtomically(Path.Combine(settings.Directory, relative), bytes);
}
