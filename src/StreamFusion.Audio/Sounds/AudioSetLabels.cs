namespace StreamFusion.Audio.Sounds;

/// <summary>The tagger's class names in output order, read from AudioSet's class_labels_indices.csv (index,mid,display_name).</summary>
public sealed class AudioSetLabels
{
    private AudioSetLabels(string[] names) => Names = names;

    public IReadOnlyList<string> Names { get; }

    public static AudioSetLabels Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"sound label file not found: {path}");
        var names = new List<string>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (line.Trim().Length == 0) continue;
            var parts = line.Split(',', 3); // the display name may hold commas, in quotes
            if (parts.Length < 3 || !int.TryParse(parts[0], out var index) || index != names.Count)
                throw new InvalidDataException($"{path}: expected 'index,mid,display_name' lines in index order, got '{line}'");
            names.Add(parts[2].Trim().Trim('"'));
        }
        if (names.Count == 0) throw new InvalidDataException($"{path}: no labels");
        return new AudioSetLabels([.. names]);
    }

    public int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
