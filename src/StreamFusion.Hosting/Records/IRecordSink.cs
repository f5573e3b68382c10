using StreamFusion.Fusion.Windows;

namespace StreamFusion.Hosting.Records;

/// <summary>Where a camera's publish stage hands its fused records, and how they are fused.</summary>
public interface IRecordSink
{
    FusionSettings Fusion { get; }

    /// <summary>Where incident snapshots go; null: none taken.</summary>
    EvidenceSettings? Evidence => null;

    /// <summary>Takes an incident snapshot just written under the evidence folder.</summary>
    /// <returns>the topic it is published to; null: none</returns>
    string? PublishSnapshot(FusedRecord record, FusedSnapshot snapshot, byte[] jpeg) => null;

    /// <summary>Takes a "clip ready": an incident clip is complete under the evidence folder. Called from any thread.</summary>
    void PublishClip(ClipReady clip)
    {
    }

    /// <summary>Takes one record; called by one camera's publish stage at a time per camera, cameras concurrently.</summary>
    void Write(FusedRecord record);
}
