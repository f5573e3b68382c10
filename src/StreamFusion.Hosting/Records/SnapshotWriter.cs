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
        if (keeper.With(record.Start, frame => Render(frame, folder, kind)) is not { } taken) return null; // no frame analysed in that window
        _bestScore[incident.Id] = record.Score;
        // Written here, after the keeper's lock: detector threads offering frames never wait on the disk.
        if (started) Write(Path.Combine(folder, "start.jpg"), taken.Jpeg);
        Write(Path.Combine(folder, "best.jpg"), taken.Jpeg);
        if (taken.Clean is not null) Write(Path.Combine(folder, kind + "-clean.jpg"), taken.Clean);
        if (taken.Crops is not null)
        {
            var crops = Path.Combine(settings.Directory, folder, "crops");
            if (Directory.Exists(crops)) foreach (var old in Directory.GetFiles(crops, kind + "-*")) File.Delete(old); // the previous best's
            for (var i = 0; i < taken.Crops.Count; i++)
                Write(Path.Combine(folder, "crops", $"{kind}-{i + 1}-{EvidencePaths.Safe(taken.Reference.Objects[i].Label)}.jpg"), taken.Crops[i]);
        }
        return (taken.Reference, taken.Jpeg);
    }

    /// <summary>What one kept frame gave: the snapshot's reference and JPEG, and the clean copy and crops when asked.</summary>
    private sealed record Taken(FusedSnapshot Reference, byte[] Jpeg, byte[]? Clean, List<byte[]>? Crops);

    /// <summary>Under the keeper's lock (its pixels are reused later): everything encoded, nothing written.</summary>
    private Taken Render(KeptFrame frame, string folder, string kind)
    {
        var jpeg = SnapshotRenderer.Jpeg(frame, rules, settings.MaxWidth, settings.Quality);
        var clean = settings.CleanCopy ? SnapshotRenderer.Jpeg(frame, rules, settings.MaxWidth, settings.Quality, overlay: false) : null;
        var crops = settings.Crops ? SnapshotRenderer.Crops(frame, settings.Quality) : null;
        var (width, height) = settings.MaxWidth > 0 && frame.Width > settings.MaxWidth
            ? (settings.MaxWidth, (int)Math.Round(frame.Height * (double)settings.MaxWidth / frame.Width)) : (frame.Width, frame.Height);
        var drawn = frame.Objects.Select((o, i) => Drawn(o, frame.TrackIds[i], frame.Width, frame.Height)).ToList();
        return new Taken(new FusedSnapshot(kind, Path.Combine(folder, kind + ".jpg"), Math.Round(frame.Pts, 6), width, height, drawn), jpeg, clean, crops);
    }

    private static FusedObject Drawn(StreamFusion.Vision.Detection.DetectedObject o, int track, int width, int height)
    {
        var b = o.Box.ClipTo(width, height).Normalize(width, height);
        return new FusedObject(o.Label, Math.Round(o.Score, 4), [Math.Round(b.X, 5), Math.Round(b.Y, 5), Math.Round(b.Width, 5), Math.Round(b.Height, 5)], track);
    }

    private void Write(string relative, byte[] bytes) => EvidencePaths.WriteAtomically(Path.Combine(settings.Directory, relative), bytes);
}
