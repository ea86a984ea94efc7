using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Mapping;
using k8s.Models;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Deletes one observed Job: re-reads it, and deletes only the very object the watch observed (the answer's namespace,
/// name and uid must equal the target's), carrying the workflow's selector labels, still running (not finished, not being
/// deleted). The delete carries the uid and the resource version just read as preconditions, so a Job replaced or changed
/// in between is left alone (409), and propagates in the background (its pods go too). The gate's admission is asked
/// immediately before the delete.
/// </summary>
internal sealed class JobActuator(IJobApi jobs, Func<string> jobSelector) : IClusterActuator
{
    /// <summary>How many times a delete is tried when the Job changed between the read and the delete (a status update).</summary>
    private const int Attempts = 3;

    public async ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(admission);
        if (KubernetesNames.JobProblem(target.Namespace, target.Name) is not null || string.IsNullOrEmpty(target.Uid))
        {
            return InterventionOutcome.RefusedNotOurs; // Never a request with a name that could address another object.
        }

        for (var attempt = 1; ; attempt++)
        {
            var job = await jobs.ReadAsync(target.Namespace, target.Name, cancellationToken).ConfigureAwait(false);
            if (job is null)
            {
                return InterventionOutcome.NotFound;
            }

            if (Verify(job, target) is { } refused)
            {
                return refused;
            }

            if (await admission.AdmitAsync(cancellationToken).ConfigureAwait(false) is { } notAdmitted)
            {
                return notAdmitted;
            }

            switch (await jobs.DeleteAsync(target, job.Metadata.ResourceVersion, cancellationToken).ConfigureAwait(false))
            {
                case JobDeletion.Deleted:
                    return InterventionOutcome.Executed;
                case JobDeletion.NotFound:
                    return InterventionOutcome.NotFound;
                case JobDeletion.Conflict when attempt < Attempts:
                    continue; // Changed since read: read again, and verify again.
                default:
                    return InterventionOutcome.Failed;
            }
        }
    }

    private InterventionOutcome? Verify(V1Job job, JobIdentity target)
    {
        var metadata = job.Metadata;
        if (metadata?.NamespaceProperty != target.Namespace || metadata.Name != target.Name || metadata.Uid != target.Uid)
        {
            return InterventionOutcome.RefusedNotOurs; // Another object than the one observed: replaced, or not what was asked for.
        }

        var selector = jobSelector();
        if (InterventionOptionsValidator.SelectorProblem(selector) is not null || !LabelSelectorMatcher.Matches(selector, metadata.Labels))
        {
            return InterventionOutcome.RefusedNotOurs;
        }

        if (metadata.DeletionTimestamp is not null || JobProjection.Project(job).IsFinished)
        {
            return InterventionOutcome.RefusedNotRunning;
        }

        return null;
    }
}
