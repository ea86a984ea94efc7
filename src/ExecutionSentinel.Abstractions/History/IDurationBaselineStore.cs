namespace ExecutionSentinel.History;

/// <summary>
/// Where the durations of a workflow's earlier runs are kept, so that a watch knows what "normal" is for each task before
/// any task of its own run has finished. Keyed by <see cref="MonitoringContext.WorkflowName"/>.
/// </summary>
/// <remarks>
/// Public because applications implement it to keep the history in their own database: keep the last runs a store
/// receives in <see cref="RecordAsync"/> (a bounded number of them, so that the baselines follow a workflow that drifts),
/// and answer <see cref="LoadAsync"/> with <see cref="DurationBaselines.FromRuns"/> over them. The sentinel calls
/// <see cref="LoadAsync"/> once when a watch starts and <see cref="RecordAsync"/> once when it ends, each within a deadline
/// of its own: a store that is slow or throws never hangs or ends a watch.
/// </remarks>
public interface IDurationBaselineStore
{
    /// <summary>What was learned from the recorded runs of a workflow; empty (<see cref="DurationBaselines.Runs"/> 0) when none were.</summary>
    /// <param name="workflowName">The workflow's name (<see cref="MonitoringContext.WorkflowName"/>).</param>
    /// <param name="cancellationToken">Cancels the read (the sentinel cancels it at its deadline).</param>
    /// <returns>The baselines.</returns>
    ValueTask<DurationBaselines> LoadAsync(string workflowName, CancellationToken cancellationToken);

    /// <summary>Adds one run of a workflow to its history (dropping the oldest runs beyond the store's window).</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="run">The durations the run's watch chose to learn from.</param>
    /// <param name="cancellationToken">Cancels the write (the sentinel cancels it at its deadline).</param>
    /// <returns>A task that completes when the run is kept.</returns>
    ValueTask RecordAsync(string workflowName, RunDurations run, CancellationToken cancellationToken);
}
