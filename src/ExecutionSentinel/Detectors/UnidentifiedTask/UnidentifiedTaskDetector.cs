using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports, once, each task the probe could not match to a task of the inventory (its Job carries no task id the
/// inventory knows). Such a task is counted on its own, never given an inventory task's name by guesswork: a report
/// naming the wrong task, and a straggler rule using the wrong expected duration, would be worse than this warning.
/// </summary>
internal sealed class UnidentifiedTaskDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "task-identity";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var change in context.Changes)
        {
            // A task appears once in a watch (Previous is null only then): this is once per task.
            if (change.Previous is null && context.Workflow.FindSpec(change.Current.Name) is null)
            {
                var task = change.Current;
                yield return context.Report(
                    ReportKind.TaskUnidentified,
                    ReportSeverity.Warning,
                    $"'{task.JobName ?? task.Name}' runs a task of type {task.TaskType} that is not in the inventory (no known task id in its command): it is counted on its own.",
                    task);
            }
        }
    }
}
