using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>HyperFlow's infinite wait: every task ended, no signal, nothing moves.</summary>
public sealed class StallDetectorTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");

    [Fact]
    public async Task A_workflow_whose_tasks_all_ended_without_a_signal_is_reported_stalled_once()
    {
        var victim = Trace.Tasks.First(t => Trace.Tasks.Any(c => c.Parents.Contains(t.Name)));
        using var harness = new SentinelHarness(Trace, c => c.Faults.Add(SimulatedFault.Vanish(victim.Name)), s => s.WatchTimeout = TimeSpan.FromHours(1), b => b.AddWatchdog());

        var reports = await harness.RunAsync();

        var stall = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.WorkflowStalled);
        Assert.Equal(ReportSeverity.Critical, stall.Severity);
        Assert.Contains("waiting for work that will never report back", stall.Message, StringComparison.Ordinal);
        Assert.Single(reports, r => r.Kind == ReportKind.TaskLost);
        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
    }
}
