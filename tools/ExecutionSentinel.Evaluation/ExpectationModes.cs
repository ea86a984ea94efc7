namespace ExecutionSentinel.Evaluation;

/// <summary>Where a judged run's expectations come from: what is learned first, how a run is replayed, what a job is scored against.</summary>
internal interface IExpectationMode
{
    string Name { get; }

    Task LearnAsync(IReadOnlyList<FlowBenchRun> healthy, IReadOnlyDictionary<string, string[]> dag, int parallel);

    Task<IReadOnlyList<StragglerAlarm>> JudgeAsync(FlowBenchRun run, IReadOnlyDictionary<string, string[]> dag);

    /// <summary>The expected seconds the job's ratio score divides by.</summary>
    double Expectation(FlowBenchRun run, FlowBenchJob job);
}

/// <summary>
/// No history: a default sentinel, no expected durations, so the straggler rule uses the median of the type's tasks that
/// finished earlier in the same run. A job's score divides by its type's median over the whole run (what that median tends to).
/// </summary>
internal sealed class InRunMedianMode : IExpectationMode
{
    public string Name => "in-run median";

    public Task LearnAsync(IReadOnlyList<FlowBenchRun> healthy, IReadOnlyDictionary<string, string[]> dag, int parallel) => Task.CompletedTask;

    public Task<IReadOnlyList<StragglerAlarm>> JudgeAsync(FlowBenchRun run, IReadOnlyDictionary<string, string[]> dag) =>
        RunReplay.RunAsync(run, dag, expected: null);

    public double Expectation(FlowBenchRun run, FlowBenchJob job) =>
        Median(run.Jobs.Where(j => j.Type == job.Type).Select(j => j.Runtime));

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// History computed by the harness and handed over as each task's <see cref="TaskSpec.ExpectedDuration"/>: the median of
/// the same DAG node over the learned healthy runs (nodes are stable across Flow-Bench runs), else of the same type.
/// </summary>
internal sealed class InventoryHistoryMode : IExpectationMode
{
    private Dictionary<string, double> _byNode = [];
    private Dictionary<string, double> _byType = [];

    public string Name => "history (inventory)";

    public Task LearnAsync(IReadOnlyList<FlowBenchRun> healthy, IReadOnlyDictionary<string, string[]> dag, int parallel)
    {
        var jobs = healthy.SelectMany(r => r.Jobs).ToArray();
        _byNode = jobs.GroupBy(j => j.Node, StringComparer.Ordinal).Where(g => g.Count() >= 3)
            .ToDictionary(g => g.Key, g => InRunMedianMode.Median(g.Select(j => j.Runtime)), StringComparer.Ordinal);
        _byType = jobs.GroupBy(j => j.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => InRunMedianMode.Median(g.Select(j => j.Runtime)), StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StragglerAlarm>> JudgeAsync(FlowBenchRun run, IReadOnlyDictionary<string, string[]> dag) =>
        RunReplay.RunAsync(run, dag, job => Expected(job) is var s && double.IsFinite(s) ? TimeSpan.FromSeconds(s) : null);

    public double Expectation(FlowBenchRun run, FlowBenchJob job) => Expected(job);

    private double Expected(FlowBenchJob job) =>
        _byNode.TryGetValue(job.Node, out var node) ? node : _byType.TryGetValue(job.Type, out var type) ? type : double.NaN;
}
