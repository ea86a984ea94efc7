using ExecutionSentinel.History;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Evaluation;

/// <summary>
/// History through the product: the learned healthy runs are replayed first, one watch each, with a store
/// (<c>UseDurationBaselines</c>, <see cref="MemoryBaselineStore"/>) learning from every completed run; then every judged run is watched with the same
/// store and learning off, so that the judged runs (whose health is not known) never teach it. No expected durations in
/// the inventory: the straggler rule takes its expectation where its precedence says. A job's score divides by the
/// store's node baseline, else its type baseline (once <see cref="DurationHistoryOptions.MinimumSamples"/> are held),
/// else the type's median in the run.
/// </summary>
internal sealed class ProductHistoryMode(string workflowName, int learn) : IExpectationMode
{
    private readonly MemoryBaselineStore _store = new(Math.Max(learn, 1));
    private DurationBaselines _baselines = DurationBaselines.Empty(workflowName);

    public string Name => "history (store)";

    public async Task LearnAsync(IReadOnlyList<FlowBenchRun> healthy, IReadOnlyDictionary<string, string[]> dag, int parallel)
    {
        // One at a time: each watch adds its run to the one file, as consecutive runs of a workflow would.
        foreach (var run in healthy)
        {
            await RunReplay.RunAsync(run, dag, expected: null, Store(DurationLearning.CompletedRuns), workflowName).ConfigureAwait(false);
        }

        var services = new ServiceCollection();
        Store(DurationLearning.Off)(services.AddExecutionSentinel());
        await using var provider = services.BuildServiceProvider();
        _baselines = await provider.GetRequiredService<IDurationBaselineStore>().LoadAsync(workflowName, CancellationToken.None).ConfigureAwait(false);
        if (_baselines.Runs != healthy.Count)
        {
            throw new InvalidOperationException($"{workflowName}: the store learned {_baselines.Runs} runs of the {healthy.Count} replayed.");
        }
    }

    public Task<IReadOnlyList<StragglerAlarm>> JudgeAsync(FlowBenchRun run, IReadOnlyDictionary<string, string[]> dag) =>
        RunReplay.RunAsync(run, dag, expected: null, Store(DurationLearning.Off), workflowName);

    public double Expectation(FlowBenchRun run, FlowBenchJob job)
    {
        var minimum = new DurationHistoryOptions().MinimumSamples;
        return _baselines.Nodes.TryGetValue(job.Node, out var node) && node.Count >= minimum ? node.Median.TotalSeconds
            : _baselines.Types.TryGetValue(job.Type, out var type) && type.Count >= minimum ? type.Median.TotalSeconds
            : InRunMedianMode.Median(run.Jobs.Where(j => j.Type == job.Type).Select(j => j.Runtime));
    }

    private Action<ISentinelBuilder> Store(DurationLearning learning) => builder => builder
        .UseDurationBaselines(_store)
        .ConfigureDurationHistory(o => o.Learning = learning);
}
