using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detectors;

/// <summary>Reports a task that ends in failure, and every evicted attempt, once each.</summary>
internal sealed class TaskFailureDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "task-failure";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Changes.Count == 0)
        {
            return [];
        }

        List<SentinelReport>? reports = null;
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            foreach (var termination in task.Terminations)
            {
                var attempt = termination.Attempt.ToString(CultureInfo.InvariantCulture);
                if (termination.IsEvicted && context.Episodes.Begin($"{task.Name}#{attempt}"))
                {
                    (reports ??= []).Add(context.Report(
                        ReportKind.PodEvicted,
                        ReportSeverity.Warning,
                        $"The pod of task '{task.Name}' ({task.TaskType}) was evicted on attempt {termination.Attempt}{(task.NodeName is null ? "" : $" from node {task.NodeName}")}.",
                        task,
                        new Dictionary<string, string>
                        {
                            ["attempt"] = attempt,
                            ["reason"] = termination.Reason ?? "Evicted",
                        },
                        identity: attempt));
                }
            }

            if (change.JustFinished && task.Phase == TaskPhase.Failed)
            {
                var last = task.Terminations.Count > 0 ? task.Terminations[^1] : null;
                var why = last is null ? "" : $" ({last.Reason ?? "no reason"}{(last.ExitCode is { } code ? $", exit code {code}" : "")})";
                var details = new Dictionary<string, string> { ["attempts"] = task.Attempt.ToString(CultureInfo.InvariantCulture) };
                if (last?.Reason is { } reason)
                {
                    details["reason"] = reason;
                }

                if (last?.ExitCode is { } exitCode)
                {
                    details["exitCode"] = exitCode.ToString(CultureInfo.InvariantCulture);
                }

                (reports ??= []).Add(context.Report(
                    ReportKind.TaskFailed,
                    ReportSeverity.Error,
                    $"Task '{task.Name}' ({task.TaskType}) failed after {task.Attempt} attempt{(task.Attempt == 1 ? "" : "s")}{why}.",
                    task,
                    details,
                    identity: details["attempts"]));
            }
        }

        return (IEnumerable<SentinelReport>?)reports ?? [];
    }
}
