namespace StreamFusion.Core.Stages;

/// <summary>A stage threw: the pipeline was stopped and this names the stage and the cause.</summary>
public sealed class PipelineFailedException(string pipeline, string stage, Exception cause)
    : Exception($"{pipeline}: stage '{stage}' failed: {cause.Message}", cause)
{
    public string Stage { get; } = stage;
}
