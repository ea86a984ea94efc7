using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>The workflow-conductor's own monitoring scenarios, on the small real 1000genome trace.</summary>
public sealed class ConductorScenarioTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled();

    [Fact]
    public async Task Engine_signalling_exit_0_completes_with_counts_equal_to_the_inventory()
    {
        using var harness = new SentinelHarness(Trace);

        var reports = await harness.RunAsync();

        var terminal = Assert.Single(reports, r => r.IsTerminal);
        Assert.Same(terminal, reports[^1]);
        Assert.Equal(ReportKind.Completed, terminal.Kind);
        var summary = Assert.IsType<WatchSummary>(terminal.Summary);
        Assert.Equal(WatchOutcome.Completed, summary.Outcome);
        Assert.Equal(0, summary.ExitCode);
        Assert.False(summary.TimedOut);
        Assert.Null(summary.EndedBy);
        Assert.Equal(Trace.Tasks.Count, summary.TotalTasks);
        Assert.Equal(Trace.Tasks.Count, summary.CompletedTasks);
        Assert.Equal(0, summary.FailedTasks);
        Assert.True(summary.Duration > TimeSpan.Zero);
        Assert.True(summary.Duration >= harness.Cluster.EngineSignalsAt!.Value - SentinelHarness.Epoch);
        Assert.Contains(reports, r => r.Kind == ReportKind.Progress);
    }

    [Fact]
    public async Task Engine_signalling_exit_1_fails_the_watch()
    {
        using var harness = new SentinelHarness(Trace, cluster: c => c.EngineExitCode = 1);

        var summary = (await harness.RunAsync())[^1].Summary!;

        Assert.Equal(1, summary.ExitCode);
        Assert.Equal(WatchOutcome.Failed, summary.Outcome);
    }

    [Fact]
    public async Task No_signal_before_a_short_timeout_times_out_with_no_exit_code()
    {
        using var harness = new SentinelHarness(
            Trace,
            cluster: c => c.EngineSignals = false,
            sentinel: o =>
            {
                o.PollInterval = TimeSpan.FromSeconds(2);
                o.WatchTimeout = TimeSpan.FromSeconds(8);
            });

        var reports = await harness.RunAsync();

        var terminal = reports[^1];
        Assert.Equal(ReportKind.TimedOut, terminal.Kind);
        Assert.Null(terminal.Summary!.ExitCode);
        Assert.True(terminal.Summary.TimedOut);
        Assert.Equal(WatchOutcome.TimedOut, terminal.Summary.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(8), terminal.Summary.Duration);
        Assert.Equal(Trace.Tasks.Count, terminal.Summary.TotalTasks);
    }

    [Fact]
    public async Task Phases_start_and_complete_in_DAG_order_once_each()
    {
        using var harness = new SentinelHarness(Trace);

        var reports = await harness.RunAsync();

        var started = reports.Where(r => r.Kind == ReportKind.PhaseStarted).Select(r => r.TaskType).ToArray();
        var completed = reports.Where(r => r.Kind == ReportKind.PhaseCompleted).Select(r => r.TaskType).ToArray();
        var types = Trace.Tasks.Select(t => t.Category).Distinct().ToArray();
        Assert.Equal(types.Length, started.Length);
        Assert.Equal(types.Length, completed.Length);
        Assert.Equal(started.Distinct().Count(), started.Length);
        Assert.Equal("individuals", started[0]);
        Assert.True(Array.IndexOf(completed, "sifting") < Array.IndexOf(completed, "frequency"));
    }

    [Fact]
    public async Task Progress_is_reported_only_when_counts_change_and_ends_at_the_total()
    {
        using var harness = new SentinelHarness(Trace);

        var progress = (await harness.RunAsync()).Where(r => r.Kind == ReportKind.Progress).ToList();

        Assert.Equal(Trace.Tasks.Count, progress[^1].Progress.Completed);
        for (var i = 1; i < progress.Count; i++)
        {
            Assert.True(progress[i].Progress.Completed > progress[i - 1].Progress.Completed);
        }
    }

    [Fact]
    public async Task Finished_tasks_stay_counted_after_their_objects_are_deleted()
    {
        using var harness = new SentinelHarness(Trace, cluster: c => c.DeleteFinishedAfter = TimeSpan.FromSeconds(100));

        var reports = await harness.RunAsync();

        var summary = reports[^1].Summary!;
        Assert.Equal(Trace.Tasks.Count, summary.CompletedTasks);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskLost);
    }

    [Fact]
    public async Task Every_report_carries_time_source_and_progress()
    {
        using var harness = new SentinelHarness(Trace);

        var reports = await harness.RunAsync();

        Assert.All(reports, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Message));
            Assert.False(string.IsNullOrWhiteSpace(r.Source));
            Assert.True(r.Timestamp >= SentinelHarness.Epoch);
            Assert.Equal(Trace.Tasks.Count, r.Progress.Total);
        });
        Assert.Equal(reports.OrderBy(r => r.Timestamp).ToList(), reports);
    }
}
