namespace StreamFusion.Core.Config;

/// <summary>One problem in a config file, located to the line and column of the offending node (0: no line to name).</summary>
public readonly record struct ConfigError(string File, int Line, int Column, string Key, string Problem)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Key}: {Problem}" : $"{File}: {Key}: {Problem}";
}

/// <summary>The config is invalid; <see cref="Errors"/> lists every problem found, one line each.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(errors.Count == 1 ? errors[0].ToString() : $"{errors[0]} (and {errors.Count - 1} more)")
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
