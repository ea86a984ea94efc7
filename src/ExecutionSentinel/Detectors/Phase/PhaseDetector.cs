using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports DAG phase transitions: when the first task of a type starts, and when every inventory task of a type has finished.
/// </summary>
internal sealed class PhaseDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "phases";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Changes.Count == 0)
        {
            return [];
        }

        var state = context.GetState<State>();
        var started = new List<string>();
        var completed = new List<string>();
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            if (task.Phase != TaskPhase.Pending && state.Started.Add(task.TaskType))
            {
                started.Add(task.TaskType);
            }

            if (change.JustFinished)
            {
                var finished = state.Finished[task.TaskType] = state.Finished.GetValueOrDefault(task.TaskType) + 1;
                var total = context.Workflow.CountOfType(task.TaskType);
                if (total > 0 && finished >= total && state.Completed.Add(task.TaskType))
                {
                    completed.Add(task.TaskType);
                }
            }
        }

        var reports = new List<SentinelReport>(started.Count + completed.Count);
        foreach (var type in InDagOrder(context, started))
        {
            reports.Add(context.Report(
                ReportKind.PhaseStarted,
                ReportSeverity.Info,
                $"Phase '{type}' started ({context.Workflow.CountOfType(type)} tasks).",
                details: new Dictionary<string, string> { ["taskType"] = type },
                identity: type) with { TaskType = type });
        }

        foreach (var type in InDagOrder(context, completed))
        {
            reports.Add(context.Report(
                ReportKind.PhaseCompleted,
                ReportSeverity.Info,
                $"Phase '{type}' completed: all {context.Workflow.CountOfType(type)} tasks finished.",
                details: new Dictionary<string, string>
                {
                    ["taskType"] = type,
                    ["tasks"] = context.Workflow.CountOfType(type).ToString(CultureInfo.InvariantCulture),
                },
                identity: type) with { TaskType = type });
        }

        return reports;
    }

    private static IEnumerable<string> InDagOrder(DetectionContext context, List<string> types)
    {
        if (types.Count <= 1)
        {
            return types;
        }

        return types.OrderBy(context.Workflow.OrderOf).ThenBy(t => t, StringComparer.Ordinal);
    }

    private sealed class State
    {
        public HashSet<string> Started { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Finished { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Completed { get; } = new(StringComparer.Ordinal);
    }
}
