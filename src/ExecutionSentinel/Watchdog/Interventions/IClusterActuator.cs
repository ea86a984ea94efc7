namespace ExecutionSentinel.Watchdog;

/// <summary>The only part of the library that deletes anything on a cluster: one observed Job at a time.</summary>
internal interface IClusterActuator
{
    /// <summary>
    /// Re-reads the Job and deletes it only if it is still the very object observed (namespace, name, uid), still carries
    /// the workflow's selector labels and still runs; asks <paramref name="admission"/> immediately before the delete.
    /// </summary>
    /// <param name="target">The Job as the watch observed it.</param>
    /// <param name="admission">The gate's permission to write, asked right before each write.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How it ended.</returns>
    ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken);
}
