using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The whole watchdog over real HTTP: the policy acts on a report, and the reconciler reads Jobs through the client.</summary>
public sealed class WatchdogOnKubernetesTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task A_straggler_mapped_to_TerminateTask_has_its_Job_deleted_and_is_then_lost()
    {
        var straggler = FaultPicks.SameLevelTasks(Genome, 1)[0];
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            c => c.Faults.Add(SimulatedFault.Straggle(straggler.Name, 6, TimeSpan.FromMinutes(3))),
            s => s.WatchTimeout = TimeSpan.FromHours(1),
            builder: b => b.AddWatchdog(o =>
            {
                o.Mode = InterventionMode.Enabled;
                o.Actions["straggler"] = InterventionAction.TerminateTask;
            }).UseCheckpoints(new MemoryCheckpointStore()));

        var reports = await harness.RunAsync();

        var intervention = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal("Executed", intervention.Details["outcome"]);
        Assert.Equal(straggler.Name, intervention.TaskName);
        Assert.Contains(harness.Server.Requests, r => r.StartsWith("DELETE /apis/batch/v1/namespaces/", StringComparison.Ordinal) && r.Contains(intervention.JobName!, StringComparison.Ordinal));
        Assert.Single(reports, r => r.Kind == ReportKind.TaskLost && r.TaskName == straggler.Name);
        Assert.Equal(1, harness.Services.GetRequiredService<ExecutionSentinel.Watchdog.WatchdogStatusProvider>().GetStatus().InterventionsDone);
    }

    [Fact]
    public async Task The_reconciler_reads_Jobs_through_the_client_and_never_takes_an_outage_for_an_orphan()
    {
        var ledger = new Ledger();
        await using var harness = await KubeHarness.StartAsync(Genome, builder: b =>
        {
            b.Services.AddSingleton<IExecutionLedger>(ledger);
            b.AddWatchdog(o => o.Mode = InterventionMode.Enabled).UseCheckpoints(new MemoryCheckpointStore());
        });
        var gate = harness.Services.GetRequiredService<InterventionGate>();
        WatchdogTestKit.ObserveServer(gate.Observed, harness.Server, harness.Context()); // A watch of the namespace from the start.
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        harness.Driver.Sync(harness.Time.GetUtcNow());
        var job = harness.Server.Store.List("jobs", harness.Driver.Namespace, LabelSelector.Parse("app=hyperflow")).Items[0];
        ledger.Add("present", harness.Driver.Namespace, job.Name, harness.Time.GetUtcNow() - TimeSpan.FromSeconds(10));
        ledger.Add("gone", harness.Driver.Namespace, "jobzzzzz-individuals-999-1", harness.Time.GetUtcNow() - TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        var reconciler = harness.Services.GetRequiredService<Reconciler>();

        harness.Server.Faults.Outage = FaultKind.ServerError;
        var duringOutage = await WatchdogTestKit.DriveAsync(reconciler.RunCycleAsync(), harness.Time); // Retries wait on the clock.
        harness.Server.Faults.Outage = null;
        harness.Time.Advance(TimeSpan.FromMinutes(1)); // The breaker closes again.
        var after = await WatchdogTestKit.DriveAsync(reconciler.RunCycleAsync(), harness.Time);

        Assert.Equal(2, duringOutage.Skipped);
        Assert.Equal(0, duringOutage.OrphansRecovered);
        Assert.Equal(1, after.Confirmed);
        Assert.Equal(1, after.OrphansRecovered);
        Assert.Equal(["gone"], ledger.Failed);
    }

    private sealed class Ledger : IExecutionLedger
    {
        private readonly Dictionary<string, LedgerExecution> _running = [];

        public List<string> Failed { get; } = [];

        public void Add(string id, string ns, string job, DateTimeOffset dispatched) =>
            _running[id] = new LedgerExecution { Id = id, Namespace = ns, JobName = job, DispatchedAt = dispatched };

        public ValueTask<IReadOnlyList<LedgerExecution>> GetRunningAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<LedgerExecution>>([.. _running.Values]);

        public ValueTask<bool> TryMarkFailedAsync(string executionId, string reason, CancellationToken cancellationToken)
        {
            var removed = _running.Remove(executionId);
            if (removed)
            {
                Failed.Add(executionId);
            }

            return ValueTask.FromResult(removed);
        }
    }
}
