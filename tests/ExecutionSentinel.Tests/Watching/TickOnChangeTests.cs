using System.Globalization;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>
/// The loop ticks when the probe says something changed (after the debounce) and when a detector's deadline comes,
/// not only at its poll interval. On fake time with a simulated cluster that signals its changes, driven in 10 ms steps,
/// so latencies are exact to a few steps.
/// </summary>
public sealed class TickOnChangeTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled();
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Slack = Step * 3;

    [Fact]
    public async Task A_failure_is_reported_at_most_one_debounce_after_it_happens()
    {
        var victims = Genome.Tasks.Where(t => t.Category == "individuals").Take(6).ToList();
        using var harness = Harness(c =>
        {
            foreach (var victim in victims)
            {
                c.Faults.Add(SimulatedFault.Fail(victim.Name));
            }
        });

        var reports = await RunAsync(harness);

        foreach (var victim in victims)
        {
            var failedAt = harness.Cluster.Timelines[victim.Name].FinishedAt!.Value;
            var report = Assert.Single(reports, r => r.Kind == ReportKind.TaskFailed && r.TaskName == victim.Name);
            // Sooner when another change opened the debounce window just before it.
            Assert.InRange(report.Timestamp - failedAt, TimeSpan.Zero, Debounce + Slack);
        }
    }

    [Fact]
    public async Task A_straggler_is_reported_when_its_threshold_is_crossed_not_at_the_next_poll()
    {
        var victim = Genome.Tasks.First(t => t.Category == "individuals");
        using var harness = Harness(c => c.Faults.Add(SimulatedFault.Straggle(victim.Name, 5, TimeSpan.FromMinutes(2))));

        var reports = await RunAsync(harness);

        var straggler = Assert.Single(reports, r => r.Kind == ReportKind.Straggler && r.TaskName == victim.Name);
        var elapsed = Seconds(straggler, "elapsedSeconds");
        var threshold = (Seconds(straggler, "expectedSeconds") * 3.0) + 60;
        Assert.InRange(elapsed - threshold, 0, Slack.TotalSeconds + 0.001);
    }

    [Fact]
    public async Task A_task_pending_too_long_is_reported_when_its_limit_is_crossed()
    {
        var victim = Genome.Tasks.First(t => t.Category == "individuals");
        using var harness = Harness(c => c.Faults.Add(SimulatedFault.Unschedulable(victim.Name, TimeSpan.FromMinutes(7))));

        var reports = await RunAsync(harness);

        var pending = Assert.Single(reports, r => r.Kind == ReportKind.PendingTooLong && r.TaskName == victim.Name);
        Assert.InRange(Seconds(pending, "pendingSeconds") - TimeSpan.FromMinutes(5).TotalSeconds, 0, Slack.TotalSeconds + 0.001);
    }

    [Fact]
    public async Task Failed_observations_keep_the_polls_pace_so_connectivity_is_not_lost_sooner()
    {
        var outageAt = TimeSpan.FromMinutes(2);
        using var harness = Harness(c => c.Faults.Add(SimulatedFault.ProbeOutage(outageAt, TimeSpan.FromMinutes(2))));

        var reports = await RunAsync(harness);

        var lost = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        // Three failed observations at the 10 s poll: the third at least 20 s after the first, which came after the start.
        Assert.True(lost.Timestamp - (harness.Cluster.StartedAt + outageAt) >= TimeSpan.FromSeconds(20));
        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityRestored);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
    }

    private static SentinelHarness Harness(Action<SimulatedClusterOptions> cluster) => new(
        Genome,
        c =>
        {
            c.SignalChanges = true;
            cluster(c);
        },
        o =>
        {
            o.PollInterval = TimeSpan.FromSeconds(10);
            o.ChangeDebounce = Debounce;
        });

    private static Task<List<SentinelReport>> RunAsync(SentinelHarness harness) =>
        Drive.ToEndAsync(harness.Sentinel.WatchAsync(harness.Context()), harness.Time, step: Step);

    private static double Seconds(SentinelReport report, string key) => double.Parse(report.Details[key], CultureInfo.InvariantCulture);
}
