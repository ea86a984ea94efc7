namespace ExecutionSentinel.Probing;

/// <summary>
/// The state of one task as a probe sees it: only what detectors need, not the whole Kubernetes object.
/// </summary>
/// <remarks>Public because detectors read it and custom probes report it; a record, so that tests derive observations with <c>with</c>. Probes should reuse the same instance while a task does not change: the sentinel skips unchanged tasks by reference.</remarks>
public sealed record TaskObservation
{
    private static readonly IReadOnlyList<AttemptTermination> NoTerminations = [];

    /// <summary>The task's name; matches <see cref="TaskSpec.Name"/> when the task is in the inventory.</summary>
    public required string Name { get; init; }

    /// <summary>The task's type; matches <see cref="TaskSpec.TaskType"/>.</summary>
    public required string TaskType { get; init; }

    /// <summary>The name of the object that runs the task now (the pod, or the Job), when there is one.</summary>
    public string? ObjectName { get; init; }

    /// <summary>The Kubernetes Job that runs the task (or the engine's equivalent), when known: what an intervention would act on.</summary>
    public string? JobName { get; init; }

    /// <summary>
    /// The uid of the Job named by <see cref="JobName"/>, as the probe saw it (<c>metadata.uid</c>), when the Job was seen:
    /// it tells this Job from a later one of the same name, so that an intervention never reaches another object.
    /// </summary>
    public string? JobUid { get; init; }

    /// <summary>Where the task is in its life.</summary>
    public required TaskPhase Phase { get; init; }

    /// <summary>When the task's first object was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the current attempt started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the task finished, for a finished task.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The number of the current (or last) attempt, 1 for the first; 0 when none has started.</summary>
    public int Attempt { get; init; }

    /// <summary>
    /// How each ended attempt ended, oldest first: from the containers' current and last states,
    /// including init containers and earlier pods of the same Job.
    /// </summary>
    public IReadOnlyList<AttemptTermination> Terminations { get; init; } = NoTerminations;

    /// <summary>Why the current attempt's container is waiting (<c>CrashLoopBackOff</c>, <c>ImagePullBackOff</c>…), if it is.</summary>
    public string? WaitingReason { get; init; }

    /// <summary>The pod-level reason (<c>Evicted</c>, <c>DeadlineExceeded</c>, <c>NodeLost</c>…), if any.</summary>
    public string? PodReason { get; init; }

    /// <summary>Why the pod cannot be scheduled (reason of <c>PodScheduled=False</c>, e.g. <c>Unschedulable</c>), if it cannot.</summary>
    public string? SchedulingFailure { get; init; }

    /// <summary>The reason of a <c>DisruptionTarget</c> condition (preemption, eviction, taint manager), if present.</summary>
    public string? DisruptionReason { get; init; }

    /// <summary>The reason of the Job's <c>FailureTarget</c> condition: the earliest sign that the Job will fail.</summary>
    public string? JobFailureTarget { get; init; }

    /// <summary>The node the current attempt runs on, when scheduled.</summary>
    public string? NodeName { get; init; }

    /// <summary>Whether the task's object is being deleted (a deletion timestamp is set).</summary>
    public bool IsTerminating { get; init; }

    /// <summary>Whether the task's objects no longer exist. The sentinel sets this for tasks that vanished from observations.</summary>
    public bool IsGone { get; init; }

    /// <summary>Whether the task has finished (successfully or not).</summary>
    public bool IsFinished => Phase is TaskPhase.Succeeded or TaskPhase.Failed;

    /// <summary>Value equality, comparing <see cref="Terminations"/> item by item.</summary>
    /// <param name="other">The other observation.</param>
    /// <returns>Whether both describe the same state.</returns>
    public bool Equals(TaskObservation? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Name == other.Name
                && TaskType == other.TaskType
                && ObjectName == other.ObjectName
                && JobName == other.JobName
                && JobUid == other.JobUid
                && Phase == other.Phase
                && CreatedAt == other.CreatedAt
                && StartedAt == other.StartedAt
                && FinishedAt == other.FinishedAt
                && Attempt == other.Attempt
                && WaitingReason == other.WaitingReason
                && PodReason == other.PodReason
                && SchedulingFailure == other.SchedulingFailure
                && DisruptionReason == other.DisruptionReason
                && JobFailureTarget == other.JobFailureTarget
                && NodeName == other.NodeName
                && IsTerminating == other.IsTerminating
                && IsGone == other.IsGone
                && Terminations.SequenceEqual(other.Terminations)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Phase, Attempt, Terminations.Count, IsGone);
}
