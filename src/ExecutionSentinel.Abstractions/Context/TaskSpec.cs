namespace ExecutionSentinel;

/// <summary>
/// One task the workflow is expected to run.
/// </summary>
public sealed record TaskSpec
{
    /// <summary>The task's unique name within the workflow, e.g. <c>sifting-0</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The task type (HyperFlow's process name), e.g. <c>sifting</c>.</summary>
    public required string TaskType { get; init; }

    /// <summary>The position of the task's type in the DAG (0 first); unknown types conventionally use 99.</summary>
    public int DagOrder { get; init; } = 99;

    /// <summary>How long the task is expected to run, or <see langword="null"/> when unknown.</summary>
    public TimeSpan? ExpectedDuration { get; init; }

    /// <summary>The memory limit as Kubernetes writes it (e.g. <c>2Gi</c>), or <see langword="null"/>.</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>The CPU limit as Kubernetes writes it (e.g. <c>500m</c>), or <see langword="null"/>.</summary>
    public string? CpuLimit { get; init; }
}
