namespace StreamFusion.Audio.Vad;

/// <summary>Speech probability per chunk of <see cref="ChunkSamples"/> samples at 16 kHz, state carried between calls.</summary>
public interface IVoiceActivityDetector : IDisposable
{
    int ChunkSamples { get; }
    string Name { get; }
    float Process(ReadOnlySpan<float> chunk);
}
