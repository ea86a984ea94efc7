using System.Net;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Kubernetes.Mapping;
using k8s;
using k8s.Autorest;
using Polly;
using Polly.CircuitBreaker;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The cluster's view of an execution: its Job, read by name through the watchdog's resilience pipeline (retry, breaker,
/// per-attempt timeout, as the probe's). A name that is not a Kubernetes name is never sent ("unknown"); 404 is "missing";
/// any other failure (timeout, 5xx, network, an open breaker) is "unknown", never "missing"; an answer about another object
/// than the one asked for is "unknown"; a Job with a Complete or Failed condition is "finished".
/// </summary>
internal sealed class KubernetesExecutionCluster(Lazy<IKubernetes> client, ResiliencePipeline reads) : IExecutionCluster
{
    public async ValueTask<ClusterExecutionState> GetStateAsync(LedgerExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (KubernetesNames.JobProblem(execution.Namespace, execution.JobName) is { } problem)
        {
            // Never a request: a name holding '/' or '..' would address another object, or another namespace.
            return new ClusterExecutionState(ClusterPresence.Unknown, Detail: problem);
        }

        try
        {
            var job = await reads.ExecuteAsync(
                static async (state, token) => await state.client.BatchV1.ReadNamespacedJobAsync(state.JobName, state.Namespace, cancellationToken: token).ConfigureAwait(false),
                (client: client.Value, execution.JobName, execution.Namespace),
                cancellationToken).ConfigureAwait(false);
            if (job.Metadata?.NamespaceProperty != execution.Namespace || job.Metadata.Name != execution.JobName)
            {
                return new ClusterExecutionState(ClusterPresence.Unknown, Detail: "the API server answered with another object than the one asked for");
            }

            var facts = JobProjection.Project(job);
            var finished = facts.IsComplete || facts.FailedReason is not null;
            return new ClusterExecutionState(
                finished ? ClusterPresence.Finished : ClusterPresence.Running,
                KubernetesTime.Utc(job.Status?.StartTime) ?? facts.CreatedAt,
                job.Metadata?.Uid);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return new ClusterExecutionState(ClusterPresence.Missing);
        }
        catch (Exception ex) when (KubernetesResilience.IsTransient(ex) || ex is HttpOperationException or BrokenCircuitException or TimeoutException
                                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new ClusterExecutionState(ClusterPresence.Unknown, Detail: ex.Message);
        }
    }
}
