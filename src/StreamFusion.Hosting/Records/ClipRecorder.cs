using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamFusion.Fusion.Windows;
using StreamFusion.Media.Clips;
using StreamFusion.Core;

namespace StreamFusion.Hosting.Records;

/// <summary>
/// Incident clips for one camera: a clip starts when an incident starts (at the keyframe at or before its start −
/// pre-roll) and ends post-roll after the last incident in it ends; an incident starting meanwhile joins the open
/// clip. A clip is written under a temporary name; only once it is complete and renamed does a "clip ready" go out
/// (with its size and SHA-256), so whoever receives it can open the file. Records of the incident's start and end
/// reference the clip's path.
/// </summary>
public sealed class ClipRecorder
{
    private readonly EvidenceSettings _evidence;
    private readonly ClipSettings _settings;
    private readonly string _camera;
    private readonly Func<string> _extension;
    private readonly Func<double, DateTimeOffset?> _captured;
    private readonly Action<ClipReady> _announce;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private OpenClip? _open;
    private long _readyCount;
    private readonly List<Task> _announcing = [];
    private readonly Dictionary<string, FusedClip> _firstClip = []; // per open incident: the clip its start is in

    /// <param name="extension">the container the camera's clips get ("mp4" or "mkv")</param>
    /// <param name="captured">when a media time was captured, if known</param>
    public ClipRecorder(EvidenceSettings evidence, string camera, Func<string> extension, Func<double, DateTimeOffset?> captured, Action<ClipReady> ready, ILogger logger)
    {
        (_evidence, _settings, _camera, _extension, _captured, _announce, _logger) = (evidence, evidence.Clips!, camera, extension, captured, ready, logger);
        Cutter = new ClipCutter(Finished);
    }

    /// <summary>Clips complete so far.</summary>
    public long Ready => Interlocked.Read(ref _readyCount);

    /// <summary>Goes to the camera's decode stage, which cuts the clips.</summary>
    public ClipCutter Cutter { get; }

    /// <summary>Follows the camera's incidents; returns the clip the record should reference, if any.</summary>
    public FusedClip? For(FusedRecord record)
    {
        if (record.Incident is not { } incident || record.Revision > 0) return null;
        lock (_gate)
        {
            switch (incident.State)
            {
                case "start" when _open is null:
                    _open = Begin([incident.Id], incident.Start - _settings.PreRoll.TotalSeconds, part: 1);
                    break;
                case "start":
                    _open.Incidents.Add(incident.Id);
                    _open.Covered.Add(incident.Id);
                    Cutter.StopAt(double.PositiveInfinity);
                    break;
                case "end":
                    if (_open is not null && _open.Incidents.Remove(incident.Id) && _open.Incidents.Count == 0)
                        Cutter.StopAt(record.Start + _settings.PostRoll.TotalSeconds);
                    // the clip may be complete already (the input ended first); the record names it all the same
                    return _firstClip.Remove(incident.Id, out var first) ? first : null;
                default:
                    return null;
            }
            _firstClip.TryAdd(incident.Id, _open.Reference);
            return _open.Reference;
        }
    }

    /// <param name="incidents">the open incidents the clip is for; the first names its folder</param>
    private OpenClip Begin(IReadOnlyCollection<string> incidents, double from, int part)
    {
        var folder = EvidencePaths.Folder(_camera, incidents.First());
        Directory.CreateDirectory(Path.Combine(_evidence.Directory, folder));
        var relative = Path.Combine(folder, part == 1 ? "clip" : $"clip-{part}");
        Cutter.Begin(Path.Combine(_evidence.Directory, relative), from, _settings.MaxLength.TotalSeconds);
        return new OpenClip(new FusedClip(relative + "." + _extension()), [.. incidents], [.. incidents], part);
    }

    /// <summary>On the decode thread: the clip is complete (or failed); the checksum is taken off that thread.</summary>
    private void Finished(ClipFile file)
    {
        OpenClip? clip;
        lock (_gate)
        {
            clip = _open;
            _open = null;
            // Cut with its incidents still open (max_length, or the source reconnected): the footage goes on in the next file.
            if (clip is { Incidents.Count: > 0 } && file.Error is null) _open = Begin(clip.Incidents, file.End, clip.Part + 1);
        }
        if (clip is null) return;
        if (file.Error is not null)
        {
            _logger.LogWarning("evidence: clip {Path} failed: {Error}", clip.Path, file.Error);
            return;
        }
        var announcing = Task.Run(() => Announce(clip, file));
        lock (_gate)
        {
            _announcing.RemoveAll(t => t.IsCompleted);
            _announcing.Add(announcing);
        }
    }

    /// <summary>After the camera's run: waits for the clips finished at its end to be announced.</summary>
    public Task DrainAsync()
    {
        lock (_gate) return Task.WhenAll(_announcing);
    }

    private void Announce(OpenClip clip, ClipFile file)
    {
        try
        {
            string sha256;
            using (var stream = File.OpenRead(file.Path)) sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            var ready = new ClipReady(_camera, [.. clip.Covered], clip.Path, file.Start, file.End, _captured(file.Start), _captured(file.End),
                file.VideoFrames, file.AudioPackets, file.Bytes, sha256);
            EvidencePaths.WriteAtomically(Path.Combine(_evidence.Directory, Path.ChangeExtension(clip.Path, ".json")), ready.ToJson());
            _logger.LogInformation("evidence: clip ready {Path} ({Duration:F1} s, {Frames} frames, {Bytes} bytes)", clip.Path, file.Duration, file.VideoFrames, file.Bytes);
            Interlocked.Increment(ref _readyCount);
            _announce(ready);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("evidence: clip {Path} cannot be read back: {Error}", clip.Path, e.Message);
        }
    }

    /// <param name="Incidents">the incidents still open</param>
    /// <param name="Covered">every incident the clip shows, ended ones too</param>
    private sealed record OpenClip(FusedClip Reference, HashSet<string> Incidents, List<string> Covered, int Part)
    {
        public string Path => Reference.Path;
    }
}

/// <summary>A complete clip, announced once the file is in place under its final name.</summary>
public sealed record ClipReady(string Camera, IReadOnlyList<string> Incidents, string Path, double Start, double End, DateTimeOffset? StartCaptured,
    DateTimeOffset? EndCaptured, int VideoFrames, int AudioPackets, long Bytes, string Sha256)
{
    public const string Schema = "streamfusion.clip.v1";

    /// <summary>The "clip ready" message (schemas/streamfusion.clip.v1.schema.json).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("camera", Camera);
            w.WriteStartArray("incidents");
            foreach (var incident in Incidents) w.WriteStringValue(incident);
            w.WriteEndArray();
            w.WriteString("path", Path);
            w.WriteNumber("start", Math.Round(Start, 6));
            w.WriteNumber("end", Math.Round(End, 6));
            w.WriteNumber("duration", Math.Round(End - Start, 6));
            WriteTime(w, "start_captured", StartCaptured);
            WriteTime(w, "end_captured", EndCaptured);
            w.WriteNumber("video_frames", VideoFrames);
            w.WriteNumber("audio_packets", AudioPackets);
            w.WriteNumber("bytes", Bytes);
            w.WriteString("sha256", Sha256);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? at)
    {
        if (at is { } time) w.WriteString(name, UtcText.Format(time));
        else w.WriteNull(name);
    }
}
