namespace StreamFusion.Bench;

/// <summary>Mono 16-bit PCM WAV files, for tools that read only those (pocketsphinx_continuous) and for mixed test audio.</summary>
internal static class WavFile
{
    public static void Write(string path, float[] samples, int sampleRate)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8);
        writer.Write(36 + samples.Length * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);           // format chunk size
        writer.Write((short)1);     // PCM
        writer.Write((short)1);     // mono
        writer.Write(sampleRate);
        writer.Write(sampleRate * 2);
        writer.Write((short)2);     // bytes per frame
        writer.Write((short)16);    // bits per sample
        writer.Write("data"u8);
        writer.Write(samples.Length * 2);
        foreach (var s in samples) writer.Write((short)Math.Clamp(s * 32767f, short.MinValue, short.MaxValue));
    }
}
