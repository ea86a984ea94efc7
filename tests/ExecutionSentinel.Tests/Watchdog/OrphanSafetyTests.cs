using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Marking an orphan failed is a write to the application's ledger: it goes through the same gate as a delete (mode, dry
/// run, leadership, the hourly limit), and a Job that a watch saw finish before its TTL deleted it is never an orphan.
/// Over HTTP against the fake API server, with HyperFlow's 100 s TTL played by the cluster driver.
/// </summary>
public sealed class OrphanSafetyTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    public static TheoryData<string> Refusals => ["Off", "DryRun", "NotLeader", "Limit"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_orphan_is_marked_failed_only_through_the_gate(string refusal)
    {
        var ledger = new MemoryLedger();
        await using var harness = await KubeHarness.StartAsync(Genome, builder: b =>
        {
            b.Services.AddSingleton<IExecutionLedger>(ledger);
            b.AddWatchdog(o =>
            {
                o.Mode = refusal switch { "Off" => InterventionMode.Off, "DryRun" => InterventionMode.DryRun, _ => InterventionMode.Enabled };
                o.MaxPerHour = refusal == "Limit" ? 0 : 5;
            }).UseCheckpoints(new MemoryCheckpointStore());
            if (refusal == "NotLeader")
            {
                b.UseLeaderElection(_ => new Follower());
            }
        });
        var gate = harness.Services.GetRequiredService<InterventionGate>();
        WatchdogTestKit.ObserveServer(gate.Observed, harness.Server, harness.Context()); // A watch of the namespace from the start.
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        ledger.Add("gone", harness.Driver.Namespace, "jobzzzzz-individuals-999-1", harness.Time.GetUtcNow() - TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromMinutes(2));

        var cycle = await WatchdogTestKit.DriveAsync(harness.Services.GetRequiredService<Reconciler>().RunCycleAsync(), harness.Time);

        Assert.Empty(ledger.Failed);
        Assert.Equal(0, cycle.OrphansRecovered);
        var report = Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal("MarkFailed", report.Details["action"]);
        Assert.Equal(refusal switch { "Off" => "RefusedOff", "DryRun" => "DryRun", "NotLeader" => "RefusedNotLeader", _ => "RefusedLimit" }, report.Details["outcome"]);
    }

    [Fact]
    public async Task A_Job_the_watch_saw_succeed_before_its_TTL_deleted_it_is_never_marked_failed()
    {
        var ledger = new MemoryLedger();
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            cluster: c => c.DeleteFinishedAfter = TimeSpan.FromSeconds(100), // HyperFlow's ttlSecondsAfterFinished
            builder: b =>
            {
                b.Services.AddSingleton<IExecutionLedger>(ledger);
                b.AddWatchdog(o => o.Mode = InterventionMode.Enabled).UseCheckpoints(new MemoryCheckpointStore());
            });
        var gate = harness.Services.GetRequiredService<InterventionGate>();
        var start = harness.Time.GetUtcNow();
        WatchdogTestKit.ObserveServer(gate.Observed, harness.Server, harness.Context());

        // The application dispatched a first task; the watch sees its Job succeed; the application has not recorded it yet.
        harness.Driver.Sync(harness.Time.GetUtcNow());
        var job = harness.Server.Store.List("jobs", harness.Driver.Namespace, LabelSelector.Parse("app=hyperflow")).Items[0];
        ledger.Add("succeeded", harness.Driver.Namespace, job.Name, start);
        while (harness.Server.Store.Get("jobs", harness.Driver.Namespace, job.Name) is { } current && !IsComplete(current))
        {
            harness.Time.Advance(TimeSpan.FromSeconds(5));
            harness.Driver.Sync(harness.Time.GetUtcNow());
        }

        WatchdogTestKit.ObserveServer(gate.Observed, harness.Server, harness.Context()); // The watch's next look: it finished.
        harness.Time.Advance(TimeSpan.FromSeconds(101));
        harness.Driver.Sync(harness.Time.GetUtcNow());
        Assert.Null(harness.Server.Store.Get("jobs", harness.Driver.Namespace, job.Name)); // Deleted by its TTL.

        var cycle = await WatchdogTestKit.DriveAsync(harness.Services.GetRequiredService<Reconciler>().RunCycleAsync(), harness.Time);

        Assert.Empty(ledger.Failed);
        Assert.Equal(0, cycle.OrphansRecovered);
        Assert.Equal(1, cycle.Skipped);
    }

    private static bool IsComplete(StoredObject job) =>
        job.Node["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] == "Complete" && (string?)c?["status"] == "True") == true;

    private sealed class Follower : ILeadership
    {
        public bool IsLeader => false;
    }
}
