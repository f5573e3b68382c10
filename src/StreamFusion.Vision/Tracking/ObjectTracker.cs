using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Tracking;

/// <summary>A detection with the id of the track it belongs to.</summary>
public sealed record TrackedObject(DetectedObject Detection, int TrackId, TrackState State);

/// <summary>A lifecycle change: a track confirmed (new) or gone (lost), with the span it was present.</summary>
public sealed record TrackEvent(string Kind, int TrackId, string Label, double FirstSeen, double LastSeen);

/// <summary>
/// SORT-style tracking: each track's box is predicted to the frame's time with a Kalman filter, detections are
/// associated greedily by IoU within the same label (blended with appearance similarity when embeddings exist),
/// unmatched detections start tentative tracks, and tracks unseen for MaxAge seconds are lost.
/// </summary>
public sealed class ObjectTracker(TrackerSettings settings)
{
    private readonly List<Track> _tracks = [];
    private int _nextId = 1;

    public (List<TrackedObject> Objects, List<TrackEvent> Events) Update(IReadOnlyList<DetectedObject> detections, double pts)
    {
        foreach (var track in _tracks) track.PredictTo(pts);
        var pairs = new List<(float Score, int Track, int DetectedObject)>();
        for (var t = 0; t < _tracks.Count; t++)
            for (var d = 0; d < detections.Count; d++)
            {
                if (_tracks[t].Label != detections[d].Label) continue;
                var iou = _tracks[t].Box.IntersectionOverUnion(detections[d].Box);
                if (iou < settings.MinIou) continue;
                pairs.Add((Blend(iou, _tracks[t].Embedding, detections[d].Embedding), t, d));
            }
        pairs.Sort((a, b) => b.Score.CompareTo(a.Score));

        var trackTaken = new bool[_tracks.Count];
        var detectionTrack = new Track?[detections.Count];
        var events = new List<TrackEvent>();
        foreach (var (_, t, d) in pairs)
        {
            if (trackTaken[t] || detectionTrack[d] is not null) continue;
            trackTaken[t] = true;
            var track = _tracks[t];
            track.Update(detections[d], pts);
            detectionTrack[d] = track;
            if (track.State == TrackState.Tentative && track.Hits >= settings.ConfirmHits)
            {
                track.State = TrackState.Confirmed;
                events.Add(new TrackEvent("new", track.Id, track.Label, track.FirstSeen, track.LastSeen));
            }
        }
        for (var d = 0; d < detections.Count; d++)
        {
            if (detectionTrack[d] is not null) continue;
            var track = new Track(_nextId++, detections[d], pts);
            if (settings.ConfirmHits <= 1)
            {
                track.State = TrackState.Confirmed;
                events.Add(new TrackEvent("new", track.Id, track.Label, pts, pts));
            }
            _tracks.Add(track);
            detectionTrack[d] = track;
        }
        foreach (var track in _tracks.Where(t => pts - t.LastSeen > settings.MaxAge).ToList())
        {
            if (track.State == TrackState.Confirmed)
                events.Add(new TrackEvent("lost", track.Id, track.Label, track.FirstSeen, track.LastSeen));
            track.State = TrackState.Lost;
            _tracks.Remove(track);
        }
        var objects = detections.Select((d, i) => new TrackedObject(d, detectionTrack[i]!.Id, detectionTrack[i]!.State)).ToList();
        return (objects, events);
    }

    /// <summary>Ends every track (end of input), reporting confirmed ones as lost.</summary>
    public List<TrackEvent> Flush()
    {
        var events = _tracks.Where(t => t.State == TrackState.Confirmed)
            .Select(t => new TrackEvent("lost", t.Id, t.Label, t.FirstSeen, t.LastSeen)).ToList();
        _tracks.Clear();
        return events;
    }

    private float Blend(float iou, float[]? a, float[]? b)
    {
        if (a is null || b is null || settings.AppearanceWeight <= 0) return iou;
        var cosine = 0f;
        for (var i = 0; i < a.Length; i++) cosine += a[i] * b[i];
        return (1 - settings.AppearanceWeight) * iou + settings.AppearanceWeight * Math.Max(0, cosine);
    }
}
