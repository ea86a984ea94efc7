using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports a task whose objects vanished before it finished: HyperFlow's engine waits for such a task forever.
/// </summary>
public sealed class TaskLostDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "task-lost";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            if (task.IsGone && !task.IsFinished && change.Previous is { IsGone: false })
            {
                yield return context.Report(
                    ReportKind.TaskLost,
                    ReportSeverity.Error,
                    $"Task '{task.Name}' ({task.TaskType}) vanished while {task.Phase.ToString().ToLowerInvariant()}: nothing will report its end, and the engine may wait for it forever.",
                    task,
                    new Dictionary<string, string> { ["lastPhase"] = task.Phase.ToString() });
            }
        }
    }
}
