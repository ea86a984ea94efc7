using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports a task whose objects vanished before it finished while the sentinel was looking: HyperFlow's engine waits for
/// such a task forever. A task whose objects were deleted while nobody could see (phase <see cref="TaskPhase.Unknown"/>:
/// an outage outlasted the Job's time to live) is reported as ended with an unknown outcome instead: most likely it
/// finished and was cleaned up, and calling it lost would be a false alarm.
/// </summary>
internal sealed class TaskLostDetector : IAnomalyDetector
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
            if (!task.IsGone || task.IsFinished || change.Previous is not { IsGone: false } previous)
            {
                continue;
            }

            if (task.Phase == TaskPhase.Unknown)
            {
                yield return context.Report(
                    ReportKind.TaskOutcomeUnknown,
                    ReportSeverity.Warning,
                    $"Task '{task.Name}' ({task.TaskType}) was {previous.Phase.ToString().ToLowerInvariant()} when the sentinel last saw it, and its objects were deleted while it could not see: it most likely finished, but whether it succeeded is unknown.",
                    task,
                    new Dictionary<string, string> { ["lastPhase"] = previous.Phase.ToString() });
                continue;
            }

            yield return context.Report(
                ReportKind.TaskLost,
                ReportSeverity.Error,
                $"Task '{task.Name}' ({task.TaskType}) vanished while {task.Phase.ToString().ToLowerInvariant()}: nothing will report its end, and the engine may wait for it forever.",
                task,
                new Dictionary<string, string> { ["lastPhase"] = task.Phase.ToString() });
        }
    }
}
