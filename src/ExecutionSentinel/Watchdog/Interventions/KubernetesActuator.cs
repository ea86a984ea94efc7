using System.Net;
using ExecutionSentinel.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Deletes task Jobs through the Kubernetes API: re-reads the Job first (re-verify), acts only on a Job that carries the
/// workflow's selector labels, deletes with a uid precondition (never another object of the same name) and background
/// propagation (its pods go too).
/// </summary>
internal sealed class KubernetesActuator(IKubernetes client, IOptionsMonitor<KubernetesProbeOptions> options) : IClusterActuator
{
    public async ValueTask<InterventionOutcome> TerminateTaskAsync(InterventionTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.JobName is null || KubernetesNames.JobProblem(target.Namespace, target.JobName) is not null)
        {
            return InterventionOutcome.RefusedNotOurs; // Never a request with a name that could address another object.
        }

        V1Job job;
        try
        {
            job = await client.BatchV1.ReadNamespacedJobAsync(target.JobName, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return InterventionOutcome.NotFound;
        }

        if (job.Metadata?.NamespaceProperty != target.Namespace || job.Metadata.Name != target.JobName)
        {
            return InterventionOutcome.RefusedNotOurs; // The answer is about another object than the one asked for.
        }

        return await DeleteAsync(job, target.ExpectedUid, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<InterventionOutcome> TerminateWorkflowAsync(InterventionTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!KubernetesNames.IsNamespace(target.Namespace))
        {
            return InterventionOutcome.RefusedNotOurs;
        }

        var selector = Selector();
        var jobs = await client.BatchV1.ListNamespacedJobAsync(target.Namespace, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        var outcome = jobs.Items.Count == 0 ? InterventionOutcome.NotFound : InterventionOutcome.Executed;
        foreach (var job in jobs.Items.Where(j => j.Metadata?.NamespaceProperty == target.Namespace))
        {
            if (await DeleteAsync(job, expectedUid: null, cancellationToken).ConfigureAwait(false) == InterventionOutcome.Failed)
            {
                outcome = InterventionOutcome.Failed;
            }
        }

        return outcome;
    }

    private async Task<InterventionOutcome> DeleteAsync(V1Job job, string? expectedUid, CancellationToken cancellationToken)
    {
        var uid = job.Metadata?.Uid;
        if (!LabelSelectorMatcher.Matches(Selector(), job.Metadata?.Labels) || (expectedUid is not null && expectedUid != uid)
            || uid is null || KubernetesNames.JobProblem(job.Metadata?.NamespaceProperty, job.Metadata?.Name) is not null)
        {
            return InterventionOutcome.RefusedNotOurs;
        }

        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(
                job.Metadata!.Name,
                job.Metadata.NamespaceProperty,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid }, PropagationPolicy = "Background" },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return InterventionOutcome.Executed;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return InterventionOutcome.NotFound;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return InterventionOutcome.Failed; // Replaced by another object of the same name meanwhile: not ours to delete.
        }
    }

    private string Selector()
    {
        var current = options.CurrentValue;
        return current.JobLabelSelector ?? current.TaskLabelSelector;
    }
}
