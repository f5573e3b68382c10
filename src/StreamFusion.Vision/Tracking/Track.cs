using StreamFusion.Vision.Detection;

namespace StreamFusion.Vision.Tracking;

public enum TrackState { Tentative, Confirmed, Lost }

/// <summary>One object followed across frames: its id, label, filtered box and when it was seen.</summary>
public sealed class Track
{
    private KalmanAxis _cx, _cy, _w, _h;

    internal Track(int id, DetectedObject detection, double pts)
    {
        Id = id;
        Label = detection.Label;
        var box = detection.Box;
        // Scaled to the object: boxes jitter ~5 % of their size, objects may cross ten times their size a second.
        var size = Math.Max(box.Width, box.Height);
        var jitter = size * 0.05f + 1;
        _cx = new KalmanAxis(box.CenterX, jitter, 10 * size, size);
        _cy = new KalmanAxis(box.CenterY, jitter, 10 * size, size);
        _w = new KalmanAxis(box.Width, jitter, size, size / 4);
        _h = new KalmanAxis(box.Height, jitter, size, size / 4);
        FirstSeen = LastSeen = LastUpdate = pts;
        Hits = 1;
        Score = detection.Score;
        Embedding = detection.Embedding;
    }

    public int Id { get; }
    public string Label { get; }
    public TrackState State { get; internal set; }
    public double FirstSeen { get; }
    public double LastSeen { get; private set; }
    public int Hits { get; private set; }
    public float Score { get; private set; }
    public float[]? Embedding { get; private set; }
    public BoundingBox Box => BoundingBox.FromCenter(_cx.Position, _cy.Position, Math.Max(1, _w.Position), Math.Max(1, _h.Position));

    internal double LastUpdate { get; private set; }

    internal void PredictTo(double pts)
    {
        var dt = (float)Math.Max(0, pts - LastUpdate);
        _cx.Predict(dt);
        _cy.Predict(dt);
        _w.Predict(dt);
        _h.Predict(dt);
        LastUpdate = pts;
    }

    internal void Update(DetectedObject detection, double pts)
    {
        _cx.Update(detection.Box.CenterX);
        _cy.Update(detection.Box.CenterY);
        _w.Update(detection.Box.Width);
        _h.Update(detection.Box.Height);
        LastSeen = pts;
        Hits++;
        Score = detection.Score;
        if (detection.Embedding is not null) Embedding = detection.Embedding;
    }
}
