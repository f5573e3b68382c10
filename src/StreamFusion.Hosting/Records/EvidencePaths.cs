using System.Text.RegularExpressions;

namespace StreamFusion.Hosting.Records;

/// <summary>Where a camera's incident evidence lives under the evidence folder, and how files get there whole.</summary>
public static partial class EvidencePaths
{
    /// <summary>CAMERA/INCIDENT, relative; ids hold '@' and '.', a file name keeps letters, digits, '-', '_' and '.'.</summary>
    public static string Folder(string camera, string incident) => Path.Combine(Safe(camera), Safe(incident));

    /// <summary>Suffix of a file still being written: never a finished file's name.</summary>
    public const string PartSuffix = ".part";

    /// <summary>Writes to a temporary name and renames, so a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + PartSuffix;
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A name made safe for a file name.</summary>
    public static string Safe(string name) => Unsafe().Replace(name, "_");

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Unsafe();
}
