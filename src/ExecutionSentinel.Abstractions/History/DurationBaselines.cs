namespace ExecutionSentinel.History;

/// <summary>
/// What earlier runs of one workflow say each task should take: per DAG node (the task's name, when names are stable
/// across runs) and per task type.
/// </summary>
/// <remarks>Public because detectors read it from <c>DetectionContext.Baselines</c> and an application's store returns it.</remarks>
public sealed class DurationBaselines
{
    private static readonly IReadOnlyDictionary<string, DurationBaseline> None = new Dictionary<string, DurationBaseline>(StringComparer.Ordinal);

    /// <summary>The workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>How many runs it was learned from (0: nothing learned yet).</summary>
    public int Runs { get; init; }

    /// <summary>Per DAG node, by task name.</summary>
    public IReadOnlyDictionary<string, DurationBaseline> Nodes { get; init; } = None;

    /// <summary>Per task type.</summary>
    public IReadOnlyDictionary<string, DurationBaseline> Types { get; init; } = None;

    /// <summary>Nothing learned yet about a workflow.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <returns>Empty baselines.</returns>
    public static DurationBaselines Empty(string workflowName) => new() { WorkflowName = workflowName };

    /// <summary>
    /// Learns baselines from recorded runs: every duration of a node across the runs for its node baseline, every duration
    /// of a type for its type baseline. A store of the application's keeps the runs and calls this to answer a load.
    /// </summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="runs">The runs to learn from (the store's window of recent runs).</param>
    /// <returns>The baselines.</returns>
    public static DurationBaselines FromRuns(string workflowName, IEnumerable<RunDurations> runs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        ArgumentNullException.ThrowIfNull(runs);
        var nodes = new Dictionary<string, List<TimeSpan>>(StringComparer.Ordinal);
        var types = new Dictionary<string, List<TimeSpan>>(StringComparer.Ordinal);
        var count = 0;
        foreach (var run in runs)
        {
            count++;
            foreach (var task in run.Tasks)
            {
                Add(nodes, task.Name, task.Duration);
                Add(types, task.TaskType, task.Duration);
            }
        }

        return new DurationBaselines
        {
            WorkflowName = workflowName,
            Runs = count,
            Nodes = Learn(nodes),
            Types = Learn(types),
        };
    }

    private static void Add(Dictionary<string, List<TimeSpan>> samples, string key, TimeSpan duration)
    {
        if (!samples.TryGetValue(key, out var list))
        {
            samples[key] = list = [];
        }

        list.Add(duration);
    }

    private static Dictionary<string, DurationBaseline> Learn(Dictionary<string, List<TimeSpan>> samples)
    {
        var learned = new Dictionary<string, DurationBaseline>(samples.Count, StringComparer.Ordinal);
        foreach (var (key, durations) in samples)
        {
            if (DurationBaseline.FromDurations(durations) is { } baseline)
            {
                learned[key] = baseline;
            }
        }

        return learned;
    }
}
