namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>What the probe keeps of one task Job.</summary>
internal sealed record JobFacts
{
    public required string Name { get; init; }

    /// <summary>The Job's <c>metadata.uid</c>: which object of that name it is.</summary>
    public string? Uid { get; init; }

    public string? TaskTypeLabel { get; init; }

    /// <summary>The task id HyperFlow wrote into the Job's pod template (<c>hflow-job-execute &lt;id&gt;</c>), if any.</summary>
    public string? TaskId { get; init; }

    /// <summary>The Job's <c>ttlSecondsAfterFinished</c>: how long it outlives its end before it is deleted, if it is.</summary>
    public TimeSpan? TimeToLiveAfterFinished { get; init; }

    /// <summary>Whether the Job has ended, in success or failure.</summary>
    public bool IsFinished => IsComplete || FailedReason is not null;

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public int Failed { get; init; }

    public int Succeeded { get; init; }

    public int Active { get; init; }

    /// <summary>Whether the Job reached its terminal <c>Complete</c> (or <c>SuccessCriteriaMet</c>) condition.</summary>
    public bool IsComplete { get; init; }

    /// <summary>The reason of the terminal <c>Failed</c> condition (<c>BackoffLimitExceeded</c>…), if the Job failed.</summary>
    public string? FailedReason { get; init; }

    /// <summary>The reason of <c>FailureTarget</c>: since Kubernetes 1.31 the earliest sign that the Job will fail.</summary>
    public string? FailureTarget { get; init; }

    public bool IsTerminating { get; init; }
}
