using System.Numerics;

namespace StreamFusion.Vision.Scene;

/// <summary>
/// Follows one zone. An object that qualifies (label, score, size) with its anchor inside for
/// <see cref="ZoneRule.Inertia"/> analysed frames in a row has entered; dwell counts from its first frame inside.
/// It has left once it has been unseen or outside for longer than <see cref="ZoneRule.ExitGrace"/>. When the
/// tracker loses an object behind an occluder and finds it again under a new id, the new track takes over the old
/// one's place (a track born after the old one vanished, same label, within one body height of where it vanished,
/// inside the grace): its dwell goes on and nothing is entered twice. Should the old id come back, it is still that
/// member; should both be seen at once, they were two objects: the member keeps its oldest id and the newer one
/// arrives on its own.
/// </summary>
internal sealed class ZoneMonitor(ZoneRule rule, AnchorPoint anchor)
{
    private sealed class Member(int track, string label, double firstInside)
    {
        public int Track = track; // the id it was last seen under
        public readonly List<int> Tracks = [track]; // every id it has had
        public readonly string Label = label;
        public readonly double FirstInside = firstInside;
        public double LastInside = firstInside;
        public int FramesInside;
        public bool Entered, Loitering, ReportedStationary;
        public Vector2 LastAnchor;
        public float LastHeight;
        public double Dwell => LastInside - FirstInside;
    }

    private readonly List<Member> _members = []; // in arrival order, so events come out the same on every replay
    private bool _crowded;

    public void Update(double pts, IReadOnlyList<SceneObject> objects, bool analysed, IReadOnlySet<int> stationary, List<SceneEvent> events)
    {
        // Whoever was gone past the grace has left, even if seen again now (then it enters anew).
        for (var i = 0; i < _members.Count; i++)
        {
            if (!_members[i].Entered || pts - _members[i].LastInside <= rule.ExitGrace) continue;
            Leave(_members[i], pts, events);
            _members.RemoveAt(i--);
        }
        foreach (var member in _members.Where(m => m.Tracks.Count > 1))
        {
            var seen = member.Tracks.Where(id => objects.Any(o => o.Track == id)).ToList();
            if (seen.Count > 1) member.Tracks.RemoveAll(id => id != seen[0] && seen.Contains(id)); // two ids at once: the rejoin was wrong
        }
        foreach (var o in objects)
        {
            var member = _members.Find(m => m.Tracks.Contains(o.Track));
            var point = o.AnchorAt(rule.Anchor ?? anchor);
            if (!Qualifies(o, point))
            {
                if (member is { Entered: false } && analysed) _members.Remove(member); // inertia needs frames in a row
                continue;
            }
            member ??= Rejoined(o, point, objects) ?? Arrived(o, pts);
            member.Track = o.Track;
            member.LastInside = pts;
            member.LastAnchor = point;
            member.LastHeight = o.Box.Height;
            if (member.Entered) continue;
            if (analysed) member.FramesInside++;
            if (member.FramesInside < Math.Max(1, rule.Inertia)) continue;
            member.Entered = true;
            events.Add(new SceneEvent(SceneEventKinds.Enter, rule.Name, member.Track, member.Label, pts) { Dwell = Round(pts - member.FirstInside) });
        }
        for (var i = 0; i < _members.Count; i++)
        {
            var member = _members[i];
            if (!member.Entered)
            {
                if (analysed && member.LastInside < pts) _members.RemoveAt(i--); // vanished before it entered
                continue;
            }
            if (member.LastInside < pts) continue; // in its grace: still counted, dwell paused
            if (rule.Loitering > 0 && !member.Loitering && member.Dwell >= rule.Loitering)
            {
                member.Loitering = true;
                events.Add(new SceneEvent(SceneEventKinds.LoiterStart, rule.Name, member.Track, member.Label, pts) { Dwell = Round(member.Dwell) });
            }
            var still = stationary.Contains(member.Track);
            if (still && !member.ReportedStationary)
                events.Add(new SceneEvent(SceneEventKinds.Stationary, rule.Name, member.Track, member.Label, pts) { Dwell = Round(member.Dwell) });
            member.ReportedStationary = still;
        }
        Crowding(pts, events);
    }

    /// <summary>End of input: everyone still inside leaves.</summary>
    public void Finish(double pts, List<SceneEvent> events)
    {
        foreach (var member in _members.Where(m => m.Entered)) Leave(member, pts, events);
        _members.Clear();
        Crowding(pts, events);
    }

    public ZoneState State(IReadOnlySet<int> stationary) =>
        new(rule.Name, _members.Where(m => m.Entered).Select(m => new ZoneOccupant(m.Track, m.Label, Round(m.Dwell), m.Loitering, stationary.Contains(m.Track))).ToList(), _crowded);

    private bool Qualifies(SceneObject o, Vector2 point) =>
        SceneObject.Counts(rule.Objects, o.Label) && o.Score >= rule.MinScore && o.Box.Area >= rule.MinArea && rule.Area.Contains(point);

    private Member Arrived(SceneObject o, double pts)
    {
        var member = new Member(o.Track, o.Label, pts);
        _members.Add(member);
        return member;
    }

    /// <summary>An entered member of the same label that vanished (its track is not in this frame) near here.</summary>
    private Member? Rejoined(SceneObject o, Vector2 point, IReadOnlyList<SceneObject> present)
    {
        Member? best = null;
        var bestDistance = float.MaxValue;
        foreach (var m in _members)
        {
            if (!m.Entered || m.Label != o.Label || o.FirstSeen <= m.LastInside || present.Any(p => m.Tracks.Contains(p.Track))) continue;
            var distance = Vector2.Distance(m.LastAnchor, point);
            if (distance <= Math.Max(m.LastHeight, o.Box.Height) && distance < bestDistance) (best, bestDistance) = (m, distance);
        }
        best?.Tracks.Add(o.Track);
        return best;
    }

    private void Leave(Member member, double pts, List<SceneEvent> events)
    {
        if (member.Loitering)
            events.Add(new SceneEvent(SceneEventKinds.LoiterEnd, rule.Name, member.Track, member.Label, pts) { Dwell = Round(member.Dwell) });
        events.Add(new SceneEvent(SceneEventKinds.Exit, rule.Name, member.Track, member.Label, pts) { Dwell = Round(member.Dwell) });
    }

    private void Crowding(double pts, List<SceneEvent> events)
    {
        if (rule.MaxObjects <= 0) return;
        var count = _members.Count(m => m.Entered);
        if (count > rule.MaxObjects == _crowded) return;
        _crowded = !_crowded;
        events.Add(new SceneEvent(_crowded ? SceneEventKinds.CrowdStart : SceneEventKinds.CrowdEnd, rule.Name, 0, "", pts) { Count = count });
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);
}
