using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>
/// What the probe keeps of one pod: only the fields detectors need, never the whole <c>V1Pod</c>
/// (a pod is ~2 KiB of JSON plus managedFields; this is a few hundred bytes).
/// </summary>
internal sealed record PodFacts
{
    public required string Name { get; init; }

    public string? JobName { get; init; }

    public string? TaskTypeLabel { get; init; }

    public string? TaskId { get; init; }

    public TaskPhase Phase { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How the pod's containers ended, or how the pod itself ended (evicted, deadline exceeded).</summary>
    public (string? Reason, int? ExitCode)? Termination { get; init; }

    /// <summary>How an earlier run of a restarted container ended (restartPolicy OnFailure).</summary>
    public (string? Reason, int? ExitCode)? LastTermination { get; init; }

    public int Restarts { get; init; }

    public string? WaitingReason { get; init; }

    public string? PodReason { get; init; }

    public string? SchedulingFailure { get; init; }

    public string? DisruptionReason { get; init; }

    public string? NodeName { get; init; }

    public bool IsTerminating { get; init; }
}
