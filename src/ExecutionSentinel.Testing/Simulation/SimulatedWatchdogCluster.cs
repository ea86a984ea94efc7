using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Watchdog;
using k8s.Models;

namespace ExecutionSentinel.Testing;

/// <summary>
/// A <see cref="SimulatedCluster"/> as the watchdog sees a real cluster: the two Job calls of its actuator (the library's
/// own <c>JobActuator</c> checks the answer's namespace, name, uid, labels and state, asks the gate, then deletes with
/// preconditions), the reconciler's view of an execution, and the hourly record. No Kubernetes client is involved.
/// </summary>
internal sealed class SimulatedWatchdogCluster(SimulatedCluster cluster) : IWatchdogCluster, IJobApi, IExecutionCluster
{
    public IJobApi Jobs => this;

    public IExecutionCluster Executions => this;

    public IInterventionRecord InterventionRecord => cluster.InterventionRecord;

    public ValueTask<V1Job?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Require(@namespace, name);
        return ValueTask.FromResult(cluster.ReadJob(@namespace, name));
    }

    public ValueTask<JobDeletion> DeleteAsync(JobIdentity job, string? resourceVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        Require(job.Namespace, job.Name);
        return ValueTask.FromResult(cluster.DeleteJob(job, resourceVersion));
    }

    /// <summary>As <c>KubernetesExecutionCluster</c>: unreachable is unknown, never missing; a Job with a terminal condition is finished.</summary>
    public ValueTask<ClusterExecutionState> GetStateAsync(LedgerExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        cancellationToken.ThrowIfCancellationRequested();
        if (KubernetesNames.JobProblem(execution.Namespace, execution.JobName) is { } problem)
        {
            return ValueTask.FromResult(new ClusterExecutionState(ClusterPresence.Unknown, Detail: problem));
        }

        V1Job? job;
        try
        {
            job = cluster.ReadJob(execution.Namespace, execution.JobName);
        }
        catch (HttpRequestException ex)
        {
            return ValueTask.FromResult(new ClusterExecutionState(ClusterPresence.Unknown, Detail: ex.Message));
        }

        if (job is null)
        {
            return ValueTask.FromResult(new ClusterExecutionState(ClusterPresence.Missing));
        }

        var facts = JobProjection.Project(job);
        return ValueTask.FromResult(new ClusterExecutionState(
            facts.IsFinished ? ClusterPresence.Finished : ClusterPresence.Running,
            KubernetesTime.Utc(job.Status?.StartTime) ?? facts.CreatedAt,
            job.Metadata.Uid));
    }

    /// <summary>The last line before a request, as on a real cluster: a name that is not a Kubernetes name is never sent.</summary>
    private static void Require(string @namespace, string name)
    {
        if (KubernetesNames.JobProblem(@namespace, name) is { } problem)
        {
            throw new ArgumentException($"Refused before any request: {problem}.");
        }
    }
}
