using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>
/// Combines a task's Job and its pods (one per attempt under <c>restartPolicy: Never</c>; restarts count as
/// attempts under <c>OnFailure</c>) into the <see cref="TaskObservation"/> detectors see.
/// </summary>
internal static class TaskAssembler
{
    /// <param name="name">The task's name.</param>
    /// <param name="taskType">The task's type.</param>
    /// <param name="job">The task's Job, when it still exists.</param>
    /// <param name="pods">The Job's pods, oldest first.</param>
    public static TaskObservation Assemble(string name, string taskType, JobFacts? job, IReadOnlyList<PodFacts> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var current = pods.Count > 0 ? pods[^1] : null;
        var terminations = new List<AttemptTermination>();
        var attempt = 0;
        foreach (var pod in pods)
        {
            var first = attempt + 1;
            attempt = first + pod.Restarts;
            if (pod.LastTermination is { } last && pod.Restarts > 0)
            {
                terminations.Add(new AttemptTermination(attempt - 1, last.Reason, last.ExitCode, null));
            }

            if (pod.Termination is { } end)
            {
                terminations.Add(new AttemptTermination(attempt, end.Reason, end.ExitCode, pod.FinishedAt));
            }
        }

        var phase = Phase(job, current);
        return new TaskObservation
        {
            Name = name,
            TaskType = taskType,
            ObjectName = current?.Name ?? job?.Name,
            JobName = job?.Name ?? current?.JobName,
            JobUid = job?.Uid,
            Phase = phase,
            CreatedAt = job?.CreatedAt ?? (pods.Count > 0 ? pods[0].CreatedAt : null),
            StartedAt = current?.StartedAt,
            FinishedAt = phase is TaskPhase.Succeeded or TaskPhase.Failed ? job?.CompletedAt ?? current?.FinishedAt : null,
            Attempt = attempt,
            Terminations = terminations,
            WaitingReason = current?.WaitingReason,
            PodReason = current?.PodReason,
            SchedulingFailure = current?.SchedulingFailure,
            DisruptionReason = current?.DisruptionReason,
            JobFailureTarget = job?.FailureTarget,
            NodeName = current?.NodeName,
            IsTerminating = (current?.IsTerminating ?? false) || (job?.IsTerminating ?? false),
        };
    }

    private static TaskPhase Phase(JobFacts? job, PodFacts? current)
    {
        if (job is { IsComplete: true })
        {
            return TaskPhase.Succeeded;
        }

        // FailureTarget (Kubernetes 1.31+) comes before the terminal Failed condition: the earliest sure sign.
        if (job?.FailureTarget is not null)
        {
            return TaskPhase.Failed;
        }

        return current?.Phase switch
        {
            TaskPhase.Running => TaskPhase.Running,
            TaskPhase.Succeeded => TaskPhase.Succeeded,

            // A failed pod of a live Job is an attempt: the Job controller will retry until its backoff limit.
            TaskPhase.Failed => job is null ? TaskPhase.Failed : TaskPhase.Pending,
            _ => TaskPhase.Pending,
        };
    }
}
