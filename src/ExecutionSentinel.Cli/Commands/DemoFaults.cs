using ExecutionSentinel.Testing;

namespace ExecutionSentinel.Cli.Commands;

/// <summary>The faults the demo injects: named, so <c>--faults</c> can choose them, each aimed at a fitting task of the trace.</summary>
internal static class DemoFaults
{
    public static readonly string[] Names = ["oom", "straggler", "eviction", "outage", "failure", "hang", "vanish"];

    public static readonly string[] Default = ["oom", "straggler", "eviction", "outage"];

    /// <summary>Picks a distinct task for each fault: long-running ones, so that each fault is visible at a 10 s poll.</summary>
    public static List<SimulatedFault> For(WorkflowTrace trace, IEnumerable<string> names)
    {
        var medians = trace.MedianRuntimes();
        var candidates = new Queue<TraceTask>(trace.Tasks
            .Where(t => t.Runtime >= medians[t.Category] && t.Runtime >= TimeSpan.FromSeconds(20))
            .OrderByDescending(t => t.Parents.Count == 0)
            .ThenBy(t => t.Runtime - medians[t.Category]));
        var faults = new List<SimulatedFault>();
        foreach (var name in names)
        {
            if (name == "outage")
            {
                faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(45)));
                continue;
            }

            if (!candidates.TryDequeue(out var task))
            {
                throw new ArgumentException($"--faults: trace '{trace.Name}' has no task left to inject '{name}' into.");
            }

            faults.Add(name switch
            {
                "oom" => SimulatedFault.OomKill(task.Name),
                "straggler" => SimulatedFault.Straggle(task.Name, 5, TimeSpan.FromMinutes(2)),
                "eviction" => SimulatedFault.Evict(task.Name),
                "failure" => SimulatedFault.Fail(task.Name),
                "hang" => SimulatedFault.Hang(task.Name),
                "vanish" => SimulatedFault.Vanish(task.Name),
                _ => throw new ArgumentException($"--faults: unknown fault '{name}' (known: {string.Join(", ", Names)}, or 'none')."),
            });
        }

        return faults;
    }
}
