namespace StreamFusion.Audio.Sounds;

/// <summary>
/// Joins consecutive windows into one event per class: a window at or above the class's threshold starts one, and
/// it goes on while windows stay above half the threshold (scores dip between a train's carriages). A window below
/// that, or one too quiet to tag, ends the event. An event is reported when it has lasted the class's minimum
/// duration, and again when it ends.
/// </summary>
internal sealed class SoundEventJoiner(IReadOnlyList<SoundClass> classes, IReadOnlyList<int[]> labelIndices, AudioSetLabels labels, int topLabels)
{
    private sealed class Open(double start)
    {
        public readonly double Start = start;
        public double End;
        public float Peak;
        public bool Announced;
        public readonly Dictionary<int, float> Best = [];
    }

    private readonly Open?[] _open = new Open?[classes.Count];

    /// <param name="probabilities">null: the window was not tagged (too quiet)</param>
    public void Add(double start, double end, float[]? probabilities, List<SoundEvent> reported)
    {
        for (var c = 0; c < classes.Count; c++)
        {
            var score = probabilities is null ? 0 : labelIndices[c].Max(i => probabilities[i]);
            if (score < (_open[c] is null ? classes[c].Threshold : classes[c].Threshold / 2))
            {
                Close(c, reported);
                continue;
            }
            var open = _open[c] ??= new Open(start);
            open.End = end;
            open.Peak = Math.Max(open.Peak, score);
            for (var i = 0; i < probabilities!.Length; i++)
                if (!open.Best.TryGetValue(i, out var best) || probabilities[i] > best) open.Best[i] = probabilities[i];
            if (!open.Announced && open.End - open.Start + 1e-9 >= classes[c].MinDuration)
            {
                open.Announced = true;
                reported.Add(Report(c, open, SoundEvent.Started));
            }
        }
    }

    public void Finish(List<SoundEvent> reported)
    {
        for (var c = 0; c < classes.Count; c++) Close(c, reported);
    }

    private void Close(int c, List<SoundEvent> reported)
    {
        if (_open[c] is not { } open) return;
        _open[c] = null;
        if (open.Announced) reported.Add(Report(c, open, SoundEvent.Ended)); // shorter than its minimum: never reported
    }

    private SoundEvent Report(int c, Open open, string state)
    {
        var top = open.Best.OrderByDescending(b => b.Value).Take(topLabels).Select(b => new LabelScore(labels.Names[b.Key], MathF.Round(b.Value, 4))).ToList();
        return new SoundEvent(classes[c].Name, state, Math.Round(open.Start, 3), Math.Round(open.End, 3), MathF.Round(open.Peak, 4), top, classes[c].Weight);
    }
}
