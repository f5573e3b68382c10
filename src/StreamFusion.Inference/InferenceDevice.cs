using System.Globalization;

namespace StreamFusion.Inference;

public enum DeviceKind { Auto, Cpu, Cuda, TensorRt }

/// <summary>Where inference runs: "auto", "cpu", "cuda[:N]" or "tensorrt[:N]".</summary>
public readonly record struct InferenceDevice(DeviceKind Kind, int Index)
{
    public static readonly InferenceDevice Auto = new(DeviceKind.Auto, 0);
    public static readonly InferenceDevice Cpu = new(DeviceKind.Cpu, 0);

    public static bool TryParse(string text, out InferenceDevice device)
    {
        device = Auto;
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var index = 0;
        if (parts.Length > 2 || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index)))
            return false;
        DeviceKind? kind = parts[0] switch
        {
            "auto" => DeviceKind.Auto,
            "cpu" => DeviceKind.Cpu,
            "cuda" or "gpu" => DeviceKind.Cuda,
            "tensorrt" or "trt" => DeviceKind.TensorRt,
            _ => null,
        };
        if (kind is null || (parts.Length == 2 && kind is DeviceKind.Auto or DeviceKind.Cpu)) return false;
        device = new InferenceDevice(kind.Value, index);
        return true;
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Index}",
        _ => $"tensorrt:{Index}",
    };
}
