using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// Every report and summary exact under a real API server's timing and faults, over HTTP against the fake server. The
/// oracle is the trace: expected counts and names come from the replayed trace and its injected faults, never from the
/// sentinel's cache.
/// </summary>
public sealed class TrustworthyReportsTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
    private static readonly TimeSpan MidRun = TimeSpan.FromMinutes(4);

    /// <summary>The repetitions of the stale-summary scenario: it is a race on a real cluster, so it must hold every time.</summary>
    public static TheoryData<int> Twenty => [.. Enumerable.Range(1, 20)];

    [Theory]
    [MemberData(nameof(Twenty))]
    public async Task The_summary_counts_every_task_when_the_watches_stall_before_the_engine_signals(int run)
    {
        _ = run;
        await using var harness = await KubeHarness.StartAsync(Genome, c => c.DeleteFinishedAfter = TimeSpan.FromSeconds(100));
        var lastEnd = harness.Cluster.Timelines.Values.Max(t => t.FinishedAt!.Value) - harness.Cluster.StartedAt;

        // The engine hears of the last tasks' ends (through Redis) before the API server shows them: here the watches
        // deliver nothing from 30 s before the last task ends.
        harness.At(lastEnd - TimeSpan.FromSeconds(30), h => h.Server.Store.StallAllWatches());

        var reports = await harness.RunAsync();

        var end = reports[^1];
        Assert.Equal(ReportKind.Completed, end.Kind);
        Assert.Equal(Genome.Tasks.Count, end.Summary!.CompletedTasks);
        Assert.Equal(0, end.Summary.FailedTasks);
        Assert.Equal(0, end.Summary.UnknownTasks);
        Assert.Equal(Genome.Tasks.Count, end.Summary.TotalTasks);
    }

    [Theory]
    [MemberData(nameof(Twenty))]
    public async Task The_summary_counts_every_task_when_the_engine_signals_during_a_slow_exec(int run)
    {
        _ = run;
        await using var harness = await KubeHarness.StartAsync(Genome, c => c.DeleteFinishedAfter = TimeSpan.FromSeconds(100));

        // Each read of the signal takes 25 s on the server's clock: the last tasks end, and the engine signals, while a read
        // is under way; a view taken before the read would be short.
        harness.Server.ExecDelay = TimeSpan.FromSeconds(25);

        var reports = await harness.RunAsync();

        var end = reports[^1];
        Assert.Equal(ReportKind.Completed, end.Kind);
        Assert.Equal(Genome.Tasks.Count, end.Summary!.CompletedTasks);
        Assert.Equal(0, end.Summary.UnknownTasks);
    }

    [Fact]
    public async Task Tasks_the_server_still_shows_running_after_the_grace_are_named_unknown_never_counted_completed()
    {
        // The last task's objects never show its end on the server (it hangs there), though the engine says it is done.
        var last = Genome.Tasks.OrderByDescending(t => t.Category == "frequency").ThenByDescending(t => t.Runtime).First();
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            c =>
            {
                c.Faults.Add(SimulatedFault.Hang(last.Name));
                c.EngineExitCode = 0;
            },
            sentinel: o => o.CompletionGrace = TimeSpan.FromSeconds(20));
        harness.At(TimeSpan.FromMinutes(9), h => h.Server.WriteFile(h.Driver.Namespace, h.Driver.EnginePodName, "hyperflow", HyperFlowClusterDriver.SignalFile, "0\n"));

        var reports = await harness.RunAsync();

        var summary = reports[^1].Summary!;
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal([last.Name], summary.UnknownTaskNames);
        Assert.Equal(summary.TotalTasks, summary.CompletedTasks + summary.FailedTasks + summary.UnknownTasks);
        Assert.Contains(last.Name, reports[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_marker_after_a_failed_task_was_deleted_by_its_ttl_ends_the_watch_failed()
    {
        var victim = Genome.Tasks.First(t => t.Category == "individuals");
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            c =>
            {
                c.DeleteFinishedAfter = TimeSpan.FromSeconds(100);
                c.Faults.Add(SimulatedFault.Fail(victim.Name));
            },
            probe: p =>
            {
                // Only the upstream charts' marker is written: the exit-code file never appears.
                p.SignalFile = "/work_dir/.no-exit-code-here";
                p.CompletionMarkerFile = HyperFlowClusterDriver.SignalFile;
            });

        var reports = await harness.RunAsync();

        var end = reports[^1];
        Assert.Equal(ReportKind.Failed, end.Kind);
        Assert.Equal(1, end.Summary!.ExitCode);
        Assert.Equal(1, end.Summary.FailedTasks);
        Assert.Contains(reports, r => r.Kind == ReportKind.TaskFailed && r.TaskName == victim.Name);
    }

    [Fact]
    public async Task An_oom_kill_is_reported_for_the_task_that_was_killed_whatever_the_inventory_order()
    {
        var victim = Genome.Tasks.Where(t => t.Category == "individuals").OrderByDescending(t => t.Name, StringComparer.Ordinal).First();
        await using var harness = await KubeHarness.StartAsync(Genome, c => c.Faults.Add(SimulatedFault.OomKill(victim.Name)));
        var context = harness.Context();
        context = context with { TaskInventory = [.. context.TaskInventory.Reverse()] };

        var reports = await harness.RunAsync(context);

        var oom = Assert.Single(reports, r => r.Kind == ReportKind.OomKill);
        Assert.Equal(victim.Name, oom.TaskName);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(Genome.Tasks.Count, reports[^1].Summary!.CompletedTasks);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskUnidentified);
    }

    [Fact]
    public async Task A_job_without_a_task_id_the_inventory_knows_is_reported_once_and_counted_apart()
    {
        var unknown = Genome.Tasks.First(t => t.Category == "sifting");
        await using var harness = await KubeHarness.StartAsync(Genome);
        var context = harness.Context();
        context = context with { TaskInventory = [.. context.TaskInventory.Where(t => t.Name != unknown.Name)] };

        var reports = await harness.RunAsync(context);

        var report = Assert.Single(reports, r => r.Kind == ReportKind.TaskUnidentified);
        Assert.Equal("sifting", report.TaskType);
        var summary = reports[^1].Summary!;
        Assert.Equal(Genome.Tasks.Count, summary.TotalTasks);
        Assert.Equal(Genome.Tasks.Count, summary.CompletedTasks);
    }

    [Fact]
    public async Task An_outage_longer_than_the_ttl_loses_nothing_the_resumed_watch_replays_what_was_missed()
    {
        await using var harness = await KubeHarness.StartAsync(Genome, c =>
        {
            c.DeleteFinishedAfter = TimeSpan.FromSeconds(100);
            c.Faults.Add(SimulatedFault.ProbeOutage(MidRun, TimeSpan.FromMinutes(4)));
        });

        var reports = await harness.RunAsync();

        var end = reports[^1];
        Assert.Equal(ReportKind.Completed, end.Kind);
        Assert.Equal(Genome.Tasks.Count, end.Summary!.CompletedTasks);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskLost || r.Kind == ReportKind.TaskOutcomeUnknown);
        Assert.Equal(0, harness.Counters.Relists);
    }

    [Fact]
    public async Task Tasks_deleted_during_an_outage_beyond_the_servers_history_end_unknown_not_lost_and_are_named()
    {
        await using var harness = await KubeHarness.StartAsync(Genome, c =>
        {
            c.DeleteFinishedAfter = TimeSpan.FromSeconds(100);
            c.Faults.Add(SimulatedFault.ProbeOutage(MidRun, TimeSpan.FromMinutes(4)));
        });
        harness.At(MidRun + TimeSpan.FromMinutes(3), h => h.Server.Store.Compact()); // The history of the outage is gone: 410, relist.

        var reports = await harness.RunAsync();

        // The trace says which tasks ended and were deleted (TTL 100 s) while nobody could see: those seen before the
        // outage ended unobserved, those created during it were never seen; both are unknown, neither is lost. Tasks
        // deleted between the outage's end and the first good observation (the relist) may fall either way, and so may
        // tasks created in the last seconds before the outage: their ADDED event can still be on the wire (on a loaded
        // machine, a step or two behind) when every request starts failing.
        var start = harness.Cluster.StartedAt + MidRun;
        var surelySeenBy = start - TimeSpan.FromSeconds(10);
        var end = start + TimeSpan.FromMinutes(4);
        var relisted = reports.Single(r => r.Kind == ReportKind.ConnectivityRestored).Timestamp;
        var ttl = TimeSpan.FromSeconds(100);
        var timelines = harness.Cluster.Timelines.Values.Where(t => t.FinishedAt is { } f && f > start).ToList();
        var deleted = timelines.Where(t => t.FinishedAt!.Value + ttl <= end).ToList();
        var maybe = timelines.Where(t => t.FinishedAt!.Value + ttl > end && t.FinishedAt!.Value + ttl <= relisted).Select(t => t.Task.Name).ToHashSet();
        maybe.UnionWith(deleted.Where(t => t.CreatedAt >= surelySeenBy && t.CreatedAt < start).Select(t => t.Task.Name));
        var seenBefore = deleted.Where(t => t.CreatedAt < surelySeenBy).Select(t => t.Task.Name).ToHashSet();
        Assert.NotEmpty(seenBefore);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskLost);
        var reportedUnknown = reports.Where(r => r.Kind == ReportKind.TaskOutcomeUnknown).Select(r => r.TaskName!).ToHashSet();
        Assert.Empty(seenBefore.Except(reportedUnknown)); // Each names what was missed.
        Assert.Empty(reportedUnknown.Except(seenBefore.Union(maybe)));
        var summary = reports[^1].Summary!;
        Assert.Empty(deleted.Select(t => t.Task.Name).Except(summary.UnknownTaskNames));
        Assert.Empty(summary.UnknownTaskNames.Except(deleted.Select(t => t.Task.Name).Union(maybe)));
        Assert.Equal(summary.TotalTasks, summary.CompletedTasks + summary.FailedTasks + summary.UnknownTasks);
    }

    [Fact]
    public async Task Watches_that_keep_failing_while_lists_work_are_reported_as_lost_connectivity()
    {
        await using var harness = await KubeHarness.StartAsync(Genome);
        harness.At(MidRun, h =>
        {
            h.Server.Faults.Add(RequestKind.Watch, FaultKind.ServerError, 40);
            h.Server.Store.CloseAllWatches();
        });

        var reports = await harness.RunAsync();

        var lost = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        Assert.InRange(lost.Timestamp - (harness.Cluster.StartedAt + MidRun), TimeSpan.Zero, TimeSpan.FromSeconds(45));
        var restored = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityRestored);
        Assert.True(restored.Timestamp > lost.Timestamp);
        Assert.Equal(Genome.Tasks.Count, reports[^1].Summary!.CompletedTasks);
    }

    [Fact]
    public async Task Watches_that_stay_connected_but_silent_count_as_failed_observations_after_the_bound()
    {
        await using var harness = await KubeHarness.StartAsync(Genome);
        harness.At(MidRun, h =>
        {
            // The restarted watches hang too (no answer at all), twice each: nothing is heard for 4.5 minutes.
            h.Server.Faults.Add(RequestKind.Watch, FaultKind.Hang, 4);
            h.Server.Store.StallAllWatches();
        });

        var reports = await harness.RunAsync();

        var lost = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        Assert.InRange(lost.Timestamp - (harness.Cluster.StartedAt + MidRun), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));
        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityRestored);
        Assert.Equal(Genome.Tasks.Count, reports[^1].Summary!.CompletedTasks);
    }

    [Fact]
    public async Task A_wrong_engine_container_is_reported_once_and_never_called_a_stall_or_a_timeout()
    {
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            sentinel: o =>
            {
                o.WatchTimeout = TimeSpan.FromMinutes(20);
            },
            builder: b => b.AddWatchdog(o => o.Mode = InterventionMode.DryRun).ConfigureDetector<StallDetectorOptions>(o => o.Timeout = TimeSpan.FromMinutes(2)));
        var context = harness.Context() with { EngineContainer = "engine" };

        var reports = await harness.RunAsync(context);

        var failed = Assert.Single(reports, r => r.Kind == ReportKind.SignalReadFailed);
        Assert.Contains("'engine'", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(reports, r => r.Kind == WatchdogReportKinds.WorkflowStalled);
        var end = reports[^1];
        Assert.Equal(ReportKind.Aborted, end.Kind);
        Assert.Equal(WatchOutcome.Aborted, end.Summary!.Outcome);
        Assert.NotNull(end.Summary.SignalReadFailure);
        Assert.Equal(Genome.Tasks.Count, end.Summary.CompletedTasks);
    }

    [Fact]
    public async Task Failing_exec_calls_never_open_the_breaker_of_the_lists()
    {
        await using var harness = await KubeHarness.StartAsync(Genome, probe: p => p.Mode = KubernetesProbeMode.Poll);
        harness.At(TimeSpan.FromMinutes(1), h => h.Server.Faults.Add(RequestKind.Exec, FaultKind.ServerError, 80));

        var reports = await harness.RunAsync();

        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost);
        Assert.Contains(reports, r => r.Kind == ReportKind.SignalReadFailed);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(Genome.Tasks.Count, reports[^1].Summary!.CompletedTasks);
    }
}
