using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>Projects a real <see cref="V1Job"/> onto <see cref="JobFacts"/>.</summary>
internal static class JobProjection
{
    public static JobFacts Project(V1Job job, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var status = job.Status;
        var conditions = status?.Conditions ?? [];
        string? ConditionReason(string type, string fallback) =>
            conditions.FirstOrDefault(c => c.Type == type && c.Status == "True") is { } condition ? condition.Reason ?? fallback : null;

        return new JobFacts
        {
            Name = job.Metadata?.Name ?? "",
            Uid = job.Metadata?.Uid,
            TaskTypeLabel = taskTypeLabel is not null && job.Metadata?.Labels is { } labels && labels.TryGetValue(taskTypeLabel, out var type) ? type : null,
            TaskId = PodProjection.TaskIdFromCommand(job.Spec?.Template?.Spec?.Containers),
            TimeToLiveAfterFinished = job.Spec?.TtlSecondsAfterFinished is { } ttl ? TimeSpan.FromSeconds(Math.Max(ttl, 0)) : null,
            CreatedAt = KubernetesTime.Utc(job.Metadata?.CreationTimestamp),
            CompletedAt = KubernetesTime.Utc(status?.CompletionTime),
            Failed = status?.Failed ?? 0,
            Succeeded = status?.Succeeded ?? 0,
            Active = status?.Active ?? 0,
            IsComplete = ConditionReason("Complete", "Complete") is not null || ConditionReason("SuccessCriteriaMet", "SuccessCriteriaMet") is not null,
            FailedReason = ConditionReason("Failed", "Failed"),
            FailureTarget = ConditionReason("FailureTarget", "FailureTarget") ?? ConditionReason("Failed", "Failed"),
            IsTerminating = job.Metadata?.DeletionTimestamp is not null,
        };
    }
}
