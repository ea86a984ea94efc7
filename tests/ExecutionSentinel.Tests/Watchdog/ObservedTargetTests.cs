using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// The whole watchdog over HTTP (real probe, real client, fake API server): a report-triggered action aims at the Jobs the
/// watch itself observed, by uid, never at a name or at whatever a selector matches now (issue items 2 and 4).
/// </summary>
public sealed class ObservedTargetTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task TerminateWorkflow_deletes_only_the_Jobs_the_watch_observed_as_its_tasks()
    {
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            sentinel: s => s.WatchTimeout = TimeSpan.FromMinutes(3),
            builder: b => b.AddWatchdog(o =>
            {
                o.Mode = InterventionMode.Enabled;
                o.Actions["phase-started"] = InterventionAction.TerminateWorkflow;
            }).UseCheckpoints(new MemoryCheckpointStore()));
        var ns = harness.Driver.Namespace;
        harness.Server.Store.Upsert("jobs", HyperFlowObjects.ToNode(TargetIdentityTests.Job(ns, "database-backup", app: "database-backup")));
        harness.Server.Store.Upsert("jobs", HyperFlowObjects.ToNode(TargetIdentityTests.Job(ns, "jobzzzzz-individuals-999-1"))); // Another workflow's, HyperFlow's labels.

        var reports = await harness.RunAsync();

        var first = reports.First(r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal("Executed", first.Details["outcome"]);
        Assert.NotNull(harness.Server.Store.Get("jobs", ns, "database-backup"));
        Assert.NotNull(harness.Server.Store.Get("jobs", ns, "jobzzzzz-individuals-999-1"));
        var deleted = harness.Server.Requests.Where(r => r.StartsWith("DELETE", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(deleted);
        Assert.All(deleted, r => Assert.Matches($"^DELETE /apis/batch/v1/namespaces/{ns}/jobs/job[0-9a-z]+-[a-z_-]+-[0-9]+-[0-9]+$", r));
        Assert.DoesNotContain(harness.Server.Requests, r => r.Contains("database-backup", StringComparison.Ordinal) || r.Contains("jobzzzzz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_report_triggered_termination_carries_the_observed_uid_and_spares_a_Job_recreated_under_the_same_name()
    {
        var straggler = FaultPicks.SameLevelTasks(Genome, 1)[0];
        var swap = new SwapJobOnRead();
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            c => c.Faults.Add(SimulatedFault.Straggle(straggler.Name, 6, TimeSpan.FromMinutes(3))),
            s => s.WatchTimeout = TimeSpan.FromHours(1),
            builder: b =>
            {
                // The same server, through a client whose handler replaces the Job (same name, new uid) when the watchdog
                // re-reads it: between what the watch saw and what the delete would hit.
                var configuration = (KubernetesClientConfiguration)b.Services.Last(d => d.ServiceType == typeof(KubernetesClientConfiguration)).ImplementationInstance!;
                b.Services.AddSingleton<IKubernetes>(new k8s.Kubernetes(configuration, swap));
                b.AddWatchdog(o =>
                {
                    o.Mode = InterventionMode.Enabled;
                    o.Actions["straggler"] = InterventionAction.TerminateTask;
                }).UseCheckpoints(new MemoryCheckpointStore());
            });
        swap.Server = harness.Server;

        var reports = await harness.RunAsync();

        var intervention = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal("RefusedNotOurs", intervention.Details["outcome"]);
        Assert.Equal(straggler.Name, intervention.TaskName);
        Assert.Equal(swap.OldUid, intervention.Details["uid"]);
        Assert.NotNull(swap.NewUid);
        Assert.DoesNotContain(harness.Server.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
    }

    /// <summary>On the first GET of one Job by name, deletes it and creates it again under the same name (a new uid).</summary>
    private sealed class SwapJobOnRead : DelegatingHandler
    {
        public FakeKubeApiServer? Server { get; set; }

        public string? OldUid { get; private set; }

        public string? NewUid { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath.Split('/');
            if (request.Method == HttpMethod.Get && OldUid is null && path is [_, "apis", "batch", "v1", "namespaces", var ns, "jobs", var name] && Server is not null)
            {
                var old = Server.Store.Delete("jobs", ns, name)!;
                var node = old.Node.DeepClone().AsObject();
                node["metadata"]!["uid"] = Guid.NewGuid().ToString();
                OldUid = old.Uid;
                NewUid = Server.Store.Upsert("jobs", node).Uid;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
