namespace StreamFusion.Vision.Detection;

/// <summary>Class names in the model's class-score order, one per line.</summary>
public sealed class LabelMap(IReadOnlyList<string> labels)
{
    public IReadOnlyList<string> Labels { get; } = labels;
    public int Count => Labels.Count;

    public static LabelMap Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"label file not found: {path}");
        var labels = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (labels.Count == 0) throw new InvalidDataException($"label file {path} is empty");
        return new LabelMap(labels);
    }

    public int IndexOf(string label)
    {
        for (var i = 0; i < Labels.Count; i++)
            if (string.Equals(Labels[i], label, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    public string this[int index] => index < Labels.Count ? Labels[index] : $"class{index}";
}
