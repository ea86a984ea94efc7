using ExecutionSentinel.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Chooses fair targets for injected faults in a real trace.</summary>
internal static class FaultPicks
{
    /// <summary>
    /// Five tasks of one DAG level (so none waits for another's failure or hang), at or just above their type's
    /// median runtime, so each fault is a fair test of the rule that should catch it.
    /// </summary>
    public static List<TraceTask> SameLevelTasks(WorkflowTrace trace, int count = 5)
    {
        var byName = trace.Tasks.ToDictionary(t => t.Name);
        var depth = new Dictionary<string, int>();
        int Depth(TraceTask t) => depth.TryGetValue(t.Name, out var d) ? d
            : depth[t.Name] = t.Parents.Count == 0 ? 0 : 1 + t.Parents.Max(p => Depth(byName[p]));
        var medians = trace.MedianRuntimes();
        var level = trace.Tasks.GroupBy(Depth).OrderByDescending(g => g.Count()).First();
        var picked = level
            .Where(t => t.Runtime >= medians[t.Category] && t.Runtime > TimeSpan.FromSeconds(1))
            .OrderBy(t => t.Runtime - medians[t.Category])
            .Take(count)
            .ToList();
        Assert.True(picked.Count == count, $"Trace {trace.Name} has no {count} suitable tasks in one DAG level.");
        return picked;
    }
}
