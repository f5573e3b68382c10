using Microsoft.Extensions.Logging;

namespace StreamFusion.Hosting.Records;

/// <summary>How long and how much evidence is kept (`evidence.retain`); null fields keep everything.</summary>
public sealed record RetentionSettings(TimeSpan? MaxAge, long? MaxBytes);

/// <summary>
/// Keeps the evidence folder within its age and size limits: whole incident folders (CAMERA/INCIDENT) go, oldest
/// first by their newest file, never one still being written (a recent temporary file in it). Temporary files a
/// killed process left behind go after an hour. Swept at start and every minute.
/// </summary>
public sealed class EvidenceRetention(string directory, RetentionSettings settings, ILogger logger) : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1), StalePart = TimeSpan.FromHours(1);
    private readonly object _gate = new();
    private Timer? _timer;
    private long _deletedIncidents, _deletedBytes, _bytes;

    /// <summary>Incident folders deleted so far, and their bytes.</summary>
    public (long Incidents, long Bytes) Deleted => (Interlocked.Read(ref _deletedIncidents), Interlocked.Read(ref _deletedBytes));

    /// <summary>What the folder held after the last sweep.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Start() => _timer = new Timer(_ => Sweep(DateTime.UtcNow), null, TimeSpan.Zero, Period);

    public void Sweep(DateTime now)
    {
        lock (_gate)
        {
            try
            {
                SweepFolder(now);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("evidence: retention sweep of {Directory} failed: {Error}", directory, e.Message);
            }
        }
    }

    private void SweepFolder(DateTime now)
    {
        if (!Directory.Exists(directory)) return;
        var incidents = new List<(string Folder, DateTime Newest, long Bytes, bool Writing)>();
        foreach (var camera in Directory.EnumerateDirectories(directory))
            foreach (var incident in Directory.EnumerateDirectories(camera))
            {
                var files = new DirectoryInfo(incident).GetFiles("*", SearchOption.AllDirectories);
                var writing = false;
                foreach (var part in files.Where(f => f.Name.EndsWith(EvidencePaths.PartSuffix, StringComparison.Ordinal)))
                    if (now - part.LastWriteTimeUtc > StalePart) part.Delete(); // left by a killed process
                    else writing = true;
                var kept = files.Where(f => f.Exists).ToList();
                incidents.Add((incident, kept.Count == 0 ? Directory.GetLastWriteTimeUtc(incident) : kept.Max(f => f.LastWriteTimeUtc), kept.Sum(f => f.Length), writing));
            }
        var total = incidents.Sum(i => i.Bytes);
        foreach (var incident in incidents.OrderBy(i => i.Newest))
        {
            var expired = settings.MaxAge is { } age && now - incident.Newest > age;
            var over = settings.MaxBytes is { } max && total > max;
            if (incident.Writing || !expired && !over) continue;
            Directory.Delete(incident.Folder, recursive: true);
            total -= incident.Bytes;
            Interlocked.Increment(ref _deletedIncidents);
            Interlocked.Add(ref _deletedBytes, incident.Bytes);
            logger.LogInformation("evidence: deleted {Folder} ({Bytes} bytes, {Why})", Path.GetRelativePath(directory, incident.Folder), incident.Bytes, expired ? "older than evidence.retain.days" : "over evidence.retain.max_mb");
        }
        Interlocked.Exchange(ref _bytes, total);
    }

    public void Dispose() => _timer?.Dispose();
}
