namespace StreamFusion.Audio.Vad;

/// <summary>
/// Fallback when no VAD model is available: speech likelihood from how far the chunk's level rises above an
/// adaptive noise floor (quick to fall, slow to rise), gated by an absolute level. Cruder than Silero: it
/// answers "something louder than the background", not "a voice".
/// </summary>
public sealed class EnergyVad : IVoiceActivityDetector
{
    private const float RiseDbPerChunk = 0.05f; // ~1.6 dB per second at 32 ms chunks
    private float _floorDb = float.NaN;

    public int ChunkSamples => 512;
    public string Name => "energy";

    public float Process(ReadOnlySpan<float> chunk)
    {
        var db = Levels.RmsDb(chunk);
        _floorDb = float.IsNaN(_floorDb) ? db : Math.Min(db, _floorDb + RiseDbPerChunk);
        if (db < -55) return 0;
        return 1 / (1 + MathF.Exp(-(db - _floorDb - 10) / 2.5f));
    }

    public void Dispose() { }
}
