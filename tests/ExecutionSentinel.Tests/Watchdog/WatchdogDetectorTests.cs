using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>Hangs, HyperFlow's infinite wait, and the watchdog's status on demand.</summary>
public sealed class WatchdogDetectorTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");

    // Longer than any real task of the trace, so only the injected hang can be a hang.
    private static readonly TimeSpan Threshold = Trace.Tasks.Max(t => t.Runtime) * 1.2 + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_hang_escalates_through_each_level_once()
    {
        var victim = Trace.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(Trace, c => c.Faults.Add(SimulatedFault.Hang(victim.Name)), s =>
        {
            s.HangThreshold = Threshold;
            s.WatchTimeout = Threshold * 6;
        });

        var reports = await harness.RunAsync();

        var hangs = reports.Where(r => r.Kind == WatchdogReportKinds.WorkflowHung).ToList();
        Assert.Equal(["LOW", "MEDIUM", "HIGH", "CRITICAL"], hangs.Select(h => h.Details["level"]));
        Assert.Equal([ReportSeverity.Info, ReportSeverity.Warning, ReportSeverity.Error, ReportSeverity.Critical], hangs.Select(h => h.Severity));
        Assert.DoesNotContain(reports, r => r.Kind == WatchdogReportKinds.WorkflowStalled); // A task still runs: hung, not stalled.
    }

    [Fact]
    public async Task A_long_task_within_its_expected_duration_is_not_called_hung()
    {
        // soykb's longest tasks run ~2,500 s, longer than the 30 min default threshold, with nothing else moving meanwhile.
        var soykb = WorkflowTrace.LoadBundled("soykb-chameleon-10fastq-10ch-001");
        using var harness = new SentinelHarness(soykb, sentinel: s => s.WatchTimeout = TimeSpan.FromHours(6));

        var reports = await harness.RunAsync();

        Assert.True(soykb.Tasks.Max(t => t.Runtime) > TimeSpan.FromMinutes(30));
        Assert.DoesNotContain(reports, r => r.Kind == WatchdogReportKinds.WorkflowHung);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
    }

    [Fact]
    public async Task A_task_hung_past_its_expected_duration_is_called_hung_once_the_threshold_has_passed_beyond_it()
    {
        var soykb = WorkflowTrace.LoadBundled("soykb-chameleon-10fastq-10ch-001");
        var victim = soykb.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(soykb, c => c.Faults.Add(SimulatedFault.Hang(victim.Name)), s => s.WatchTimeout = TimeSpan.FromHours(6));
        var context = harness.Context();

        var reports = await Drive.ToEndAsync(harness.Sentinel.WatchAsync(context), harness.Time);

        var first = reports.First(r => r.Kind == WatchdogReportKinds.WorkflowHung);
        var expected = context.TaskInventory.Single(t => t.Name == victim.Name).ExpectedDuration!.Value;
        Assert.True(first.Timestamp - harness.Cluster.StartedAt > expected + TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task Reported_activity_keeps_a_long_quiet_workflow_from_being_called_hung()
    {
        var victim = Trace.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(Trace, c => c.Faults.Add(SimulatedFault.Hang(victim.Name)), s =>
        {
            s.HangThreshold = Threshold;
            s.WatchTimeout = Threshold * 4;
        });
        var activity = harness.Services.GetRequiredService<WorkflowActivity>();
        var context = harness.Context();
        using var beat = harness.Time.CreateTimer(_ => activity.Record(context.Namespace), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        var reports = await Drive.ToEndAsync(harness.Sentinel.WatchAsync(context), harness.Time);

        Assert.DoesNotContain(reports, r => r.Kind == WatchdogReportKinds.WorkflowHung);
    }

    [Fact]
    public async Task A_workflow_whose_tasks_all_ended_without_a_signal_is_reported_stalled_once()
    {
        var victim = Trace.Tasks.First(t => Trace.Tasks.Any(c => c.Parents.Contains(t.Name)));
        using var harness = new SentinelHarness(Trace, c => c.Faults.Add(SimulatedFault.Vanish(victim.Name)), s => s.WatchTimeout = TimeSpan.FromHours(1));

        var reports = await harness.RunAsync();

        var stall = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.WorkflowStalled);
        Assert.Equal(ReportSeverity.Critical, stall.Severity);
        Assert.Contains("waiting for work that will never report back", stall.Message, StringComparison.Ordinal);
        Assert.Single(reports, r => r.Kind == ReportKind.TaskLost);
        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
    }

    [Fact]
    public async Task The_status_counts_hangs_and_interventions_and_keeps_the_last_one()
    {
        var victim = Trace.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(
            Trace,
            c => c.Faults.Add(SimulatedFault.Hang(victim.Name)),
            s =>
            {
                s.HangThreshold = Threshold;
                s.WatchTimeout = Threshold * 6;
            },
            b =>
            {
                b.Services.AddSingleton<IClusterActuator>(new NoActuator());
                b.AddWatchdog(o =>
                {
                    o.Mode = InterventionMode.DryRun;
                    o.Actions["straggler"] = InterventionAction.TerminateTask;
                });
            });

        var reports = await harness.RunAsync();
        var status = harness.Services.GetRequiredService<ExecutionSentinel.Watchdog.WatchdogStatusProvider>().GetStatus();

        var intervention = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal("DryRun", intervention.Details["outcome"]);
        Assert.Equal(victim.Name, intervention.TaskName);
        Assert.Equal(4, status.HangsDetected);
        Assert.Equal(1, status.InterventionsDone);
        Assert.Equal(0, status.InterventionsRefused);
        Assert.Equal(intervention.Message, status.LastIntervention!.Message);
        Assert.Contains(status.RecentFindings, f => f.Kind == ReportKind.Straggler);
        Assert.Equal(0, status.WatchesRunning);
        Assert.Equal(InterventionMode.DryRun, status.Mode);
    }

    private sealed class NoActuator : IClusterActuator
    {
        public ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A dry run must not act.");
    }
}
