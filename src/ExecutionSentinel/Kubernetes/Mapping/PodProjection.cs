using System.Text.Json;
using ExecutionSentinel.Kubernetes.Mapping.Wire;
using ExecutionSentinel.Probing;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>Projects a pod, as the API server's JSON holds it (<see cref="WirePod"/>), onto <see cref="PodFacts"/>.</summary>
internal static class PodProjection
{
    private const string JobNameLabel = "job-name";
    private const string BatchJobNameLabel = "batch.kubernetes.io/job-name";
    private const string HyperFlowExecutor = "hflow-job-execute";

    /// <summary>
    /// Projects a client model by way of its JSON, so that there is one projection, the one the informers use on the
    /// wire (tests, and an application's own <see cref="IKubernetes"/> implementation, hand over client models).
    /// </summary>
    public static PodFacts Project(V1Pod pod, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return Project(JsonSerializer.Deserialize(KubernetesJson.Serialize(pod), WireJson.Default.WirePod)!, taskTypeLabel);
    }

    public static PodFacts Project(WirePod pod, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod.Metadata;
        var status = pod.Status;
        var labels = metadata?.Labels;
        var containers = status?.ContainerStatuses ?? [];
        var initContainers = status?.InitContainerStatuses ?? [];

        // A failed init container ends the pod before the main container runs: look at it first.
        var termination = FirstFailure(initContainers, s => s.State?.Terminated) ?? MainTermination(containers);
        var podReason = status?.Reason;
        if (IsPodLevelEnd(podReason))
        {
            // The pod's own reason says why it ended; the kubelet's container status after an eviction only says it was
            // killed (Error or ContainerStatusUnknown, 137). An OOM kill stays an OOM kill, though.
            termination = termination is { Reason: "OOMKilled" } ? termination : (podReason, termination?.ExitCode);
        }

        return new PodFacts
        {
            Name = metadata?.Name ?? "",
            JobName = Label(labels, BatchJobNameLabel) ?? Label(labels, JobNameLabel),
            TaskTypeLabel = taskTypeLabel is null ? null : Label(labels, taskTypeLabel),
            TaskId = TaskIdFromCommand(pod.Spec?.Containers),
            Phase = Phase(status?.Phase),
            CreatedAt = KubernetesTime.Utc(metadata?.CreationTimestamp),
            StartedAt = KubernetesTime.Utc(containers.Select(c => c.State?.Running?.StartedAt ?? c.State?.Terminated?.StartedAt).FirstOrDefault(t => t is not null) ?? status?.StartTime),
            FinishedAt = KubernetesTime.Utc(containers.Select(c => c.State?.Terminated?.FinishedAt).FirstOrDefault(t => t is not null)),
            Termination = termination,
            LastTermination = FirstFailure(containers, s => s.LastState?.Terminated) ?? FirstFailure(initContainers, s => s.LastState?.Terminated),
            Restarts = Restarts(containers, initContainers),
            WaitingReason = initContainers.Concat(containers).Select(c => c.State?.Waiting?.Reason).FirstOrDefault(r => !string.IsNullOrEmpty(r) && r != "PodInitializing" && r != "ContainerCreating"),
            PodReason = podReason,
            SchedulingFailure = Condition(status?.Conditions, "PodScheduled") is { Status: "False" } scheduled ? scheduled.Reason ?? "Unschedulable" : null,
            DisruptionReason = Condition(status?.Conditions, "DisruptionTarget") is { Status: "True" } disruption ? disruption.Reason ?? "DisruptionTarget" : null,
            NodeName = pod.Spec?.NodeName,
            IsTerminating = metadata?.DeletionTimestamp is not null,
        };
    }

    /// <summary>HyperFlow runs <c>hflow-job-execute &lt;taskId&gt; …</c>; the word after it identifies the task.</summary>
    /// <remarks>
    /// Read in place, word by word over the command and then the arguments: this runs for every pod event, and splitting
    /// HyperFlow's long command lines into strings was most of what projecting a pod allocated.
    /// </remarks>
    public static string? TaskIdFromCommand(List<WireContainer>? containers)
    {
        foreach (var container in containers ?? [])
        {
            var afterExecutor = false;
            if ((TaskIdAfterExecutor(container.Command, ref afterExecutor) ?? TaskIdAfterExecutor(container.Args, ref afterExecutor)) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The word after the first one ending in the executor's name, across <paramref name="parts"/>' words.</summary>
    private static string? TaskIdAfterExecutor(List<string>? parts, ref bool afterExecutor)
    {
        foreach (var part in parts ?? [])
        {
            var rest = part.AsSpan();
            while (true)
            {
                rest = rest.TrimStart();
                if (rest.IsEmpty)
                {
                    break;
                }

                var end = 0;
                while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
                {
                    end++;
                }

                var word = rest[..end];
                rest = rest[end..];
                if (afterExecutor)
                {
                    return word.Trim("\"';").ToString();
                }

                afterExecutor = word.EndsWith(HyperFlowExecutor, StringComparison.Ordinal);
            }
        }

        return null;
    }

    internal static WireCondition? Condition(List<WireCondition>? conditions, string type)
    {
        foreach (var condition in conditions ?? [])
        {
            if (condition.Type == type)
            {
                return condition;
            }
        }

        return null;
    }

    private static TaskPhase Phase(string? phase) => phase switch
    {
        "Running" => TaskPhase.Running,
        "Succeeded" => TaskPhase.Succeeded,
        "Failed" => TaskPhase.Failed,
        _ => TaskPhase.Pending,
    };

    private static (string? Reason, int? ExitCode)? MainTermination(List<WireContainerStatus> containers)
    {
        (string? Reason, int? ExitCode)? success = null;
        foreach (var container in containers)
        {
            if (container.State?.Terminated is { } terminated)
            {
                if (IsFailure(terminated))
                {
                    return (terminated.Reason, terminated.ExitCode);
                }

                success ??= (terminated.Reason ?? "Completed", terminated.ExitCode);
            }
        }

        return success;
    }

    private static (string? Reason, int? ExitCode)? FirstFailure(List<WireContainerStatus> containers, Func<WireContainerStatus, WireTerminated?> state)
    {
        foreach (var container in containers)
        {
            if (state(container) is { } terminated && IsFailure(terminated))
            {
                return (terminated.Reason, terminated.ExitCode);
            }
        }

        return null;
    }

    /// <summary>
    /// The restarts of every container, at most <see cref="int.MaxValue"/>: the server's numbers are not trusted to add up
    /// within an int, and a projection that threw would fail the whole list the pod is in, and every list after it.
    /// </summary>
    private static int Restarts(List<WireContainerStatus> containers, List<WireContainerStatus> initContainers)
    {
        long total = 0;
        foreach (var container in containers.Concat(initContainers))
        {
            total += Math.Max(container.RestartCount, 0);
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    private static bool IsFailure(WireTerminated terminated) =>
        terminated.ExitCode != 0 || (terminated.Reason is { } reason && !reason.Equals("Completed", StringComparison.OrdinalIgnoreCase));

    private static bool IsPodLevelEnd(string? reason) => reason is "Evicted" or "DeadlineExceeded" or "NodeLost" or "UnexpectedAdmissionError" or "Shutdown" or "Terminated";

    private static string? Label(Dictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
