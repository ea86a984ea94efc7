using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The watchdog's status on demand: what its detectors found and what it did.</summary>
public sealed class WatchdogStatusTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");

    // Longer than any real task of the trace, so only the injected hang can be a hang.
    private static readonly TimeSpan Threshold = Trace.Tasks.Max(t => t.Runtime) * 1.2 + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_status_counts_hangs_and_interventions_and_keeps_the_last_one()
    {
        var victim = Trace.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(
            Trace,
            c => c.Faults.Add(SimulatedFault.Hang(victim.Name)),
            s => s.WatchTimeout = Threshold * 6,
            b =>
            {
                b.Services.AddSingleton<IClusterActuator>(new NoActuator());
                b.ConfigureDetector<HangDetectorOptions>(o => o.Threshold = Threshold);
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
