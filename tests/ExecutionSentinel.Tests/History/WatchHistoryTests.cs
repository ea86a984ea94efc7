using ExecutionSentinel.History;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Tests.History;

/// <summary>Watches that learn from their own run and judge the next with what they learned, over the real traces.</summary>
public sealed class WatchHistoryTests
{
    // After ONE earlier replay a task has 1 sample of its own (fewer than MinimumSamples), so the rule judges it by its
    // type's history, bounded below by what the task itself took before (the 577-task trace's 582 s fastqSplit).
    [Fact]
    public async Task Every_real_trace_replayed_again_with_the_history_of_its_first_replay_raises_no_straggler()
    {
        var store = new MemoryDurationBaselineStore();
        foreach (var name in RealTraces.Names())
        {
            var trace = RealTraces.Load(name);
            var first = await ReplayAsync(trace, store, name);
            Assert.Equal(ReportKind.Completed, first[^1].Kind);
            var learned = Assert.Single(store.RunsOf(name));
            // Every completed task with a start and an end seen (a task seen only once finished has no duration to learn).
            Assert.InRange(learned.Tasks.Count, first[^1].Summary!.CompletedTasks * 99 / 100, first[^1].Summary!.CompletedTasks);
            Assert.Equal(learned.Tasks.Count, learned.Tasks.Select(t => t.Name).Distinct().Count());

            var second = await ReplayAsync(trace, store, name);

            Assert.Equal(ReportKind.Completed, second[^1].Kind);
            Assert.DoesNotContain(second, r => r.Kind == ReportKind.Straggler || r.Kind == ReportKind.HistoryUnavailable);
            Assert.Equal(2, store.RunsOf(name).Count);
        }
    }

    [Fact]
    public async Task With_learning_off_a_watch_uses_the_history_but_adds_nothing()
    {
        var store = new MemoryDurationBaselineStore();
        var trace = WorkflowTrace.LoadBundled(WorkflowTrace.BundledNames[0]);

        await ReplayAsync(trace, store, "wf", o => o.Learning = DurationLearning.Off);

        Assert.Equal(1, store.Loads);
        Assert.Empty(store.RunsOf("wf"));
    }

    [Fact]
    public async Task A_task_the_watch_reported_as_a_straggler_is_not_learned()
    {
        var store = new MemoryDurationBaselineStore();
        var trace = RealTraces.Load(RealTraces.Names().First());
        var straggler = FaultPicks.SameLevelTasks(trace)[0].Name;

        var reports = await ReplayAsync(trace, store, "wf", faults: c => c.Faults.Add(SimulatedFault.Straggle(straggler, 5, TimeSpan.FromMinutes(2))), expected: ExpectedDurationSource.SameRunTypeMedian);

        Assert.Contains(reports, r => r.Kind == ReportKind.Straggler && r.TaskName == straggler);
        var learned = Assert.Single(store.RunsOf("wf"));
        Assert.DoesNotContain(learned.Tasks, t => t.Name == straggler);
        Assert.Equal(reports[^1].Summary!.CompletedTasks - 1, learned.Tasks.Count);
    }

    [Fact]
    public async Task A_task_called_slow_only_against_the_in_run_median_is_still_learned()
    {
        // Before any history, the in-run median is all the rule has: a task long by design must still be learned, or
        // every later run would flag it again (predict-future-sales' xgboost_hp_tuning).
        var store = new MemoryDurationBaselineStore();
        var trace = RealTraces.Load(RealTraces.Names().First());
        var slow = FaultPicks.SameLevelTasks(trace)[0].Name;

        var reports = await ReplayAsync(trace, store, "wf", faults: c => c.Faults.Add(SimulatedFault.Straggle(slow, 5, TimeSpan.FromMinutes(2))));

        var report = Assert.Single(reports, r => r.Kind == ReportKind.Straggler && r.TaskName == slow);
        Assert.Equal("median", report.Details["expectedFrom"]);
        var learned = Assert.Single(store.RunsOf("wf"));
        Assert.Contains(learned.Tasks, t => t.Name == slow);
    }

    [Fact]
    public async Task A_store_that_never_answers_costs_the_history_with_one_report_not_the_watch()
    {
        var trace = WorkflowTrace.LoadBundled(WorkflowTrace.BundledNames[0]);
        using var harness = new SentinelHarness(trace, builder: b => b
            .UseDurationBaselines(new SilentStore())
            .ConfigureDurationHistory(o => o.LoadTimeout = TimeSpan.FromMilliseconds(100)));
        var context = harness.Context(ExpectedDurationSource.None) with { WorkflowName = "wf" };

        // The load's deadline is in real time (the store's own time); the first tick follows it without waiting on fake time.
        await using var watch = harness.Sentinel.WatchAsync(context).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync());

        var report = watch.Current;
        Assert.Equal(ReportKind.HistoryUnavailable, report.Kind);
        Assert.Equal(ReportSeverity.Warning, report.Severity);
        Assert.Equal("wf", report.Details["workflow"]);
        Assert.Contains("did not answer within", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_history_options_fail_at_start_naming_each_key()
    {
        var services = new ServiceCollection();
        services.AddExecutionSentinel().ConfigureDurationHistory(o =>
        {
            o.MaxRuns = 0;
            o.LoadTimeout = TimeSpan.FromHours(1);
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DurationHistoryOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("ExecutionSentinel:History:MaxRuns must be a whole number from 1 to 1000", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("ExecutionSentinel:History:LoadTimeout must be from 100 ms to 5 min", StringComparison.Ordinal));
    }

    private static async Task<List<SentinelReport>> ReplayAsync(
        WorkflowTrace trace,
        IDurationBaselineStore store,
        string workflow,
        Action<DurationHistoryOptions>? history = null,
        Action<SimulatedClusterOptions>? faults = null,
        ExpectedDurationSource expected = ExpectedDurationSource.None)
    {
        using var harness = new SentinelHarness(
            trace,
            cluster: c =>
            {
                c.ParallelSlots = 16;
                faults?.Invoke(c);
            },
            sentinel: o => o.WatchTimeout = TimeSpan.FromHours(6),
            builder: b => b.UseDurationBaselines(store).ConfigureDurationHistory(o => history?.Invoke(o)));
        var context = harness.Context(expected) with { WorkflowName = workflow };
        return [.. await SimulatedWatch.RunToEndAsync(harness.Sentinel, context, harness.Time)];
    }

    /// <summary>A store stuck on a dead connection: it never answers and ignores its token.</summary>
    private sealed class SilentStore : IDurationBaselineStore
    {
        public ValueTask<DurationBaselines> LoadAsync(string workflowName, CancellationToken cancellationToken) =>
            new(new TaskCompletionSource<DurationBaselines>().Task);

        public ValueTask RecordAsync(string workflowName, RunDurations run, CancellationToken cancellationToken) =>
            new(new TaskCompletionSource().Task);
    }
}
