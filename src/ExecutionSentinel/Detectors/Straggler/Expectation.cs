using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.History;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// What a task is expected to take and where that came from, the most specific source with enough samples first:
/// the inventory, the task's own DAG node in earlier runs, its type in earlier runs, its type's finished tasks in this run.
/// </summary>
/// <param name="Duration">The expected duration (a median, except for the inventory's).</param>
/// <param name="From">The source as <c>Details["expectedFrom"]</c> names it: inventory, node-history, type-history, median.</param>
/// <param name="Samples">How many durations it was learned from (0 for the inventory).</param>
/// <param name="NormalHigh">
/// For history: the 95th percentile of the durations learned. The threshold is never below it, so that a key whose normal
/// durations are spread wide (one transformation fed inputs of several sizes) does not flag its slow but normal end.
/// </param>
/// <param name="Runs">For history: over how many earlier runs.</param>
internal readonly record struct Expectation(TimeSpan Duration, string From, int Samples, TimeSpan NormalHigh = default, int Runs = 0)
{
    public const string Inventory = "inventory";
    public const string NodeHistory = "node-history";
    public const string TypeHistory = "type-history";
    public const string InRunMedian = "median";

    /// <summary>The expectation fixed when a task starts: the inventory's, else its node's history, else its type's.</summary>
    public static Expectation? AtStart(DetectionContext context, string name, string type, int minimumSamples)
    {
        if (context.Workflow.FindSpec(name)?.ExpectedDuration is { } expected)
        {
            return new Expectation(expected, Inventory, 0);
        }

        if (context.Baselines is not { } baselines)
        {
            return null;
        }

        var hasNode = baselines.Nodes.TryGetValue(name, out var node);
        if (hasNode && node!.Count >= minimumSamples)
        {
            return FromHistory(node, NodeHistory, baselines.Runs);
        }

        if (!baselines.Types.TryGetValue(type, out var byType) || byType.Count < minimumSamples)
        {
            return null;
        }

        // Too few runs of this very task to judge by, but enough to bound: a task is never called slow for taking no
        // longer than it took before (a heavy-tailed type's long member, learned once, stays quiet when it repeats).
        var expectation = FromHistory(byType, TypeHistory, baselines.Runs);
        return hasNode && node!.HighQuantile > expectation.NormalHigh ? expectation with { NormalHigh = node.HighQuantile } : expectation;
    }

    /// <summary>The duration past which the task is a straggler.</summary>
    public TimeSpan Threshold(double multiplier, TimeSpan minimumExcess)
    {
        var scaled = Duration * multiplier;
        return (scaled > NormalHigh ? scaled : NormalHigh) + minimumExcess;
    }

    /// <summary>Where the expectation came from, for the report's message.</summary>
    public string Describe(string name, string type) => From switch
    {
        Inventory => "from the inventory",
        NodeHistory => string.Create(CultureInfo.InvariantCulture, $"median of task '{name}' over {Samples} earlier run(s)"),
        TypeHistory => string.Create(CultureInfo.InvariantCulture, $"median of {Samples} '{type}' tasks in {Runs} earlier run(s)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"median of {Samples} finished '{type}' tasks in this run"),
    };

    private static Expectation FromHistory(DurationBaseline baseline, string from, int runs) =>
        new(baseline.Median, from, baseline.Count, baseline.HighQuantile, runs);
}
