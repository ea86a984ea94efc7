using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// The informer under the failures real API servers and networks produce, mid-run: nothing it should have seen is
/// lost (every task is counted at the end, none is taken for lost, every fault is reported), and connectivity is
/// reported lost and restored exactly once when an outage is long enough to matter.
/// </summary>
public sealed class KubernetesProbeResilienceTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
    private static readonly TimeSpan MidRun = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_410_Gone_mid_run_relists_and_loses_nothing()
    {
        await using var harness = await StartAsync();
        harness.At(MidRun, h => h.CompactPastTheWatches());

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        Assert.True(harness.Counters.Relists >= 2, $"both informers should have relisted after 410 (saw {harness.Counters.Relists})");
    }

    [Fact]
    public async Task A_silently_stalled_watch_is_restarted_and_loses_nothing()
    {
        await using var harness = await StartAsync();
        harness.At(MidRun, h => h.Server.Store.StallAllWatches());

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        Assert.True(harness.Counters.WatchRestarts >= 2, $"both stalled watches should have been restarted (saw {harness.Counters.WatchRestarts})");
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost);
    }

    [Fact]
    public async Task Dropped_connections_and_a_garbled_watch_line_lose_nothing()
    {
        await using var harness = await StartAsync();
        harness
            .At(MidRun, h =>
            {
                h.Server.Faults.Add(RequestKind.Watch, FaultKind.ConnectionReset, 2);
                h.Server.Store.CloseAllWatches();
            })
            .At(MidRun * 2, h =>
            {
                h.Server.Faults.Add(RequestKind.Watch, FaultKind.GarbageJson, 1);
                h.Server.Store.CloseAllWatches();
            });

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost);
    }

    [Fact]
    public async Task A_minute_of_500s_gives_one_connectivity_lost_and_restored_pair_and_loses_nothing()
    {
        await using var harness = await StartAsync(c => c.Faults.Add(SimulatedFault.ProbeOutage(MidRun, TimeSpan.FromSeconds(60))));

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        var lost = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        var restored = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityRestored);
        Assert.True(lost.Timestamp < restored.Timestamp);
        Assert.InRange(lost.Timestamp - (harness.Cluster.StartedAt + MidRun), TimeSpan.Zero, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_short_burst_of_500s_and_429s_is_absorbed_without_a_connectivity_report()
    {
        await using var harness = await StartAsync(c => c.Faults.Add(SimulatedFault.ProbeOutage(MidRun, TimeSpan.FromSeconds(8))));
        harness.Server.Faults.Add(RequestKind.List, FaultKind.TooManyRequests, 2);
        harness.Server.Faults.Add(RequestKind.Exec, FaultKind.ServerError, 2);

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost);
    }

    [Fact]
    public async Task A_hung_list_times_out_and_is_retried()
    {
        await using var harness = await StartAsync(probe: p => p.RequestTimeout = TimeSpan.FromSeconds(20));
        harness.At(MidRun, h =>
        {
            h.Server.Faults.Add(RequestKind.List, FaultKind.Hang, 1);
            h.CompactPastTheWatches();
        });

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
    }

    [Fact]
    public async Task Lists_are_paginated_with_limit_and_continue()
    {
        await using var harness = await StartAsync(probe: p => p.PageSize = 3);
        harness.At(MidRun, h => h.CompactPastTheWatches());

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        var lists = harness.Server.Requests.Where(r => r.Contains("/jobs?", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal)).ToList();
        Assert.All(lists, r => Assert.Contains("limit=3", r, StringComparison.Ordinal));
        Assert.Contains(lists, r => r.Contains("continue=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_mode_lists_every_tick_and_never_watches()
    {
        await using var harness = await StartAsync(probe: p => p.Mode = KubernetesProbeMode.Poll);

        var reports = await harness.RunAsync();

        AssertNothingLost(reports);
        Assert.DoesNotContain(harness.Server.Requests, r => r.Contains("watch=true", StringComparison.Ordinal));
    }

    private static Task<KubeHarness> StartAsync(Action<SimulatedClusterOptions>? cluster = null, Action<KubernetesProbeOptions>? probe = null)
    {
        var oom = Genome.Tasks.Where(t => t.Category == "individuals").OrderByDescending(t => t.Runtime).First();
        return KubeHarness.StartAsync(
            Genome,
            c =>
            {
                c.DeleteFinishedAfter = TimeSpan.FromSeconds(100);
                c.Faults.Add(SimulatedFault.OomKill(oom.Name));
                cluster?.Invoke(c);
            },
            probe: probe);
    }

    private static void AssertNothingLost(List<SentinelReport> reports)
    {
        var end = reports[^1];
        Assert.Equal(ReportKind.Completed, end.Kind);
        Assert.Equal(Genome.Tasks.Count, end.Summary!.CompletedTasks);
        Assert.Equal(0, end.Summary.FailedTasks);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskLost || r.Kind == ReportKind.DetectorFault);
        Assert.Single(reports, r => r.Kind == ReportKind.OomKill);
        Assert.Equal(
            Genome.Tasks.Select(t => t.Category).Distinct().Order(),
            reports.Where(r => r.Kind == ReportKind.PhaseCompleted).Select(r => r.TaskType!).Order());
    }
}
