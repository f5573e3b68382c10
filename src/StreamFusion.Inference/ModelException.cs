namespace StreamFusion.Inference;

/// <summary>A model file is missing, unreadable, or does not have the inputs/outputs a stage needs.</summary>
public sealed class ModelException(string message) : Exception(message);

/// <summary>The requested execution provider is not available in this build or on this machine.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);
