namespace StreamFusion.Core.Assets;

public sealed class AssetNotFoundException(string message) : Exception(message);
