using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>Hangs: a workflow with running tasks where nothing moves, counted past running tasks' expected durations.</summary>
public sealed class HangDetectorTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");

    // Longer than any real task of the trace, so only the injected hang can be a hang.
    private static readonly TimeSpan Threshold = Trace.Tasks.Max(t => t.Runtime) * 1.2 + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_hang_escalates_through_each_level_once()
    {
        var victim = Trace.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(Trace, c => c.Faults.Add(SimulatedFault.Hang(victim.Name)), s => s.WatchTimeout = Threshold * 6, WithHangThreshold);

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
        using var harness = new SentinelHarness(soykb, sentinel: s => s.WatchTimeout = TimeSpan.FromHours(6), builder: b => b.AddWatchdog());

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
        using var harness = new SentinelHarness(soykb, c => c.Faults.Add(SimulatedFault.Hang(victim.Name)), s => s.WatchTimeout = TimeSpan.FromHours(6), b => b.AddWatchdog());
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
        using var harness = new SentinelHarness(Trace, c => c.Faults.Add(SimulatedFault.Hang(victim.Name)), s => s.WatchTimeout = Threshold * 4, WithHangThreshold);
        var activity = harness.Services.GetRequiredService<WorkflowActivity>();
        var context = harness.Context();
        using var beat = harness.Time.CreateTimer(_ => activity.Record(context.Namespace), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        var reports = await Drive.ToEndAsync(harness.Sentinel.WatchAsync(context), harness.Time);

        Assert.DoesNotContain(reports, r => r.Kind == WatchdogReportKinds.WorkflowHung);
    }

    /// <summary>The watchdog's detectors come with AddWatchdog (observe only); the hang threshold is the trace's.</summary>
    private static void WithHangThreshold(ISentinelBuilder builder) =>
        builder.AddWatchdog().ConfigureDetector<HangDetectorOptions>(o => o.Threshold = Threshold);
}
