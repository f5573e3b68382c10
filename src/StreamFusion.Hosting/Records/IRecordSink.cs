using StreamFusion.Fusion.Windows;

namespace StreamFusion.Hosting.Records;

/// <summary>Where a camera's publish stage hands its fused records, and how they are fused.</summary>
public interface IRecordSink
{
    FusionSettings Fusion { get; }

    /// <summary>Where incident snapshots go; null: none taken.</summary>
    EvidenceSettings? Evidence => null;

    /// <summary>Takes a "clip ready": an incident clip is complete under the evidence folder. Called from any thread.</summary>
    void Announce(ClipReady clip)
    {
    }

    /// <summary>Takes one record; called by one camera's publish stage at a time per camera, cameras concurrently.</summary>
    void Write(FusedRecord record);
}
