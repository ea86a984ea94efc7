namespace ExecutionSentinel.Watchdog;

/// <summary>The only part of the library that changes a cluster.</summary>
public interface IClusterActuator
{
    /// <summary>Deletes one task Job, only if it carries the workflow's selector labels and, when given, the expected uid.</summary>
    /// <param name="target">The Job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How it ended.</returns>
    ValueTask<InterventionOutcome> TerminateTaskAsync(InterventionTarget target, CancellationToken cancellationToken);

    /// <summary>Deletes every Job of the workflow (those carrying its selector labels).</summary>
    /// <param name="target">The workflow.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How it ended.</returns>
    ValueTask<InterventionOutcome> TerminateWorkflowAsync(InterventionTarget target, CancellationToken cancellationToken);
}
