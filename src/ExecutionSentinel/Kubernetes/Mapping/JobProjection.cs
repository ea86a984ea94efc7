using System.Text.Json;
using ExecutionSentinel.Kubernetes.Mapping.Wire;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>Projects a Job, as the API server's JSON holds it (<see cref="WireJob"/>), onto <see cref="JobFacts"/>.</summary>
internal static class JobProjection
{
    /// <summary>Projects a client model by way of its JSON: one projection, the one the informers use on the wire.</summary>
    public static JobFacts Project(V1Job job, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Project(JsonSerializer.Deserialize(KubernetesJson.Serialize(job), WireJson.Default.WireJob)!, taskTypeLabel);
    }

    public static JobFacts Project(WireJob job, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var status = job.Status;
        var conditions = status?.Conditions;
        string? ConditionReason(string type, string fallback)
        {
            foreach (var condition in conditions ?? [])
            {
                if (condition.Type == type && condition.Status == "True")
                {
                    return condition.Reason ?? fallback;
                }
            }

            return null;
        }

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
