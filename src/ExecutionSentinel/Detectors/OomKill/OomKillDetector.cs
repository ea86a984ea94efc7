using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports every OOM-killed task attempt once, and warns once about the other active tasks of the same type,
/// which share the memory limit that just proved too small.
/// </summary>
internal sealed class OomKillDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "oom-kill";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Changes.Count == 0)
        {
            return [];
        }

        var state = context.GetState<State>();
        List<SentinelReport>? reports = null;
        List<string>? typesHit = null;
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            foreach (var termination in task.Terminations)
            {
                if (!termination.IsOomKilled || !context.Episodes.Begin(Attempt(task.Name, termination.Attempt)))
                {
                    continue;
                }

                (reports ??= []).Add(Kill(context, task, termination));
                state.Killed.Add(task.Name);
                typesHit ??= [];
                if (!typesHit.Contains(task.TaskType))
                {
                    typesHit.Add(task.TaskType);
                }
            }
        }

        if (typesHit is null)
        {
            return [];
        }

        foreach (var type in typesHit)
        {
            if (Risk(context, state, type) is { } risk)
            {
                reports!.Add(risk);
            }
        }

        return reports!;
    }

    private static SentinelReport Kill(DetectionContext context, TaskObservation task, AttemptTermination termination)
    {
        var limit = context.Workflow.FindSpec(task.Name)?.MemoryLimit;
        var details = new Dictionary<string, string>
        {
            ["attempt"] = termination.Attempt.ToString(CultureInfo.InvariantCulture),
            ["reason"] = termination.Reason ?? "OOMKilled",
            ["exitCode"] = (termination.ExitCode ?? 137).ToString(CultureInfo.InvariantCulture),
        };
        if (limit is not null)
        {
            details["memoryLimit"] = limit;
        }

        if (task.NodeName is not null)
        {
            details["node"] = task.NodeName;
        }

        var limitText = limit is null ? "" : $" (memory limit {limit})";
        return context.Report(
            ReportKind.OomKill,
            ReportSeverity.Error,
            $"Task '{task.Name}' ({task.TaskType}) was killed for running out of memory{limitText} on attempt {termination.Attempt}.",
            task,
            details,
            identity: termination.Attempt.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>An attempt is killed once: its episode never ends.</summary>
    private static string Attempt(string task, int attempt) => string.Create(CultureInfo.InvariantCulture, $"{task}#{attempt}");

    private static SentinelReport? Risk(DetectionContext context, State state, string type)
    {
        var atRisk = new List<string>();
        foreach (var task in context.Tasks.Values)
        {
            if (task.TaskType == type
                && !task.IsFinished
                && !task.IsGone
                && !state.Killed.Contains(task.Name)
                && context.Episodes.Begin("risk:" + task.Name))
            {
                atRisk.Add(task.Name);
            }
        }

        if (atRisk.Count == 0)
        {
            return null;
        }

        atRisk.Sort(StringComparer.Ordinal);
        var shown = string.Join(", ", atRisk.Take(5)) + (atRisk.Count > 5 ? $" and {atRisk.Count - 5} more" : "");
        return context.Report(
            ReportKind.OomRisk,
            ReportSeverity.Warning,
            $"{atRisk.Count} other active '{type}' task{(atRisk.Count == 1 ? "" : "s")} may run out of memory too: {shown}.",
            details: new Dictionary<string, string>
            {
                ["taskType"] = type,
                ["count"] = atRisk.Count.ToString(CultureInfo.InvariantCulture),
                ["tasks"] = string.Join(",", atRisk),
            },
            identity: string.Join(",", atRisk)) with { TaskType = type };
    }

    private sealed class State
    {
        public HashSet<string> Killed { get; } = new(StringComparer.Ordinal);
    }
}
