using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Polly;

namespace ExecutionSentinel.Watchdog;

/// <summary>The two Job calls the actuator makes.</summary>
internal interface IJobApi
{
    /// <summary>Reads a Job; <see langword="null"/> when the API server says it does not exist.</summary>
    ValueTask<V1Job?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Deletes the Job with preconditions (its uid, and the resource version last read) and background propagation.</summary>
    ValueTask<JobDeletion> DeleteAsync(JobIdentity job, string? resourceVersion, CancellationToken cancellationToken);
}

/// <summary>How a delete ended.</summary>
internal enum JobDeletion
{
    Deleted,
    NotFound,

    /// <summary>A precondition failed: the object changed (or was replaced) since it was read.</summary>
    Conflict,
}

/// <summary>
/// The Job calls over KubernetesClient: reads through the watchdog's resilience pipeline (retry, breaker, per-attempt
/// timeout, as the probe's), deletes once with a timeout of their own (a delete is not retried blindly). Names are checked
/// here too, as the last line before a URL is built.
/// </summary>
internal sealed class KubernetesJobApi(Lazy<IKubernetes> client, ResiliencePipeline reads, TimeSpan writeTimeout, TimeProvider time) : IJobApi
{
    public async ValueTask<V1Job?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Require(@namespace, name);
        try
        {
            return await reads.ExecuteAsync(
                static async (state, token) => await state.client.BatchV1.ReadNamespacedJobAsync(state.name, state.@namespace, cancellationToken: token).ConfigureAwait(false),
                (client: client.Value, name, @namespace),
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask<JobDeletion> DeleteAsync(JobIdentity job, string? resourceVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        Require(job.Namespace, job.Name);
        using var timeout = new CancellationTokenSource(writeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await client.Value.BatchV1.DeleteNamespacedJobAsync(
                job.Name,
                job.Namespace,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = job.Uid, ResourceVersion = resourceVersion }, PropagationPolicy = "Background" },
                cancellationToken: linked.Token).WaitAsync(writeTimeout, time, cancellationToken).ConfigureAwait(false); // Our own deadline too.
            return JobDeletion.Deleted;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return JobDeletion.NotFound;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return JobDeletion.Conflict;
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            throw new TimeoutException($"Deleting {job} took longer than {writeTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static void Require(string @namespace, string name)
    {
        if (KubernetesNames.JobProblem(@namespace, name) is { } problem)
        {
            throw new ArgumentException($"Refused before any request: {problem}.");
        }
    }
}
