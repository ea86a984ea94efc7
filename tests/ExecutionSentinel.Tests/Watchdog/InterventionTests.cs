using System.Text.Json.Nodes;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Interventions against the fake API server, through the real client: safe by default, limited, and only on the Jobs a
/// watch observed as its workflow's tasks, by uid, while they run.
/// </summary>
public sealed class InterventionTests : IAsyncLifetime
{
    private FakeKubeApiServer _server = null!;
    private HyperFlowClusterDriver _driver = null!;
    private FakeTimeProvider _time = null!;
    private ServiceProvider? _services;

    /// <summary>Where the gate keeps its hourly record: shared by every gate of a test, as by a restarted conductor.</summary>
    private MemoryCheckpointStore Checkpoints { get; } = new();

    public async Task InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"), _time, new SimulatedClusterOptions { ParallelSlots = 8 });
        _driver = new HyperFlowClusterDriver(_server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-act"));
        _time.Advance(TimeSpan.FromSeconds(20));
        _driver.Sync(_time.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Off_by_default_nothing_is_deleted_and_the_refusal_is_reported()
    {
        var gate = Gate(configure: null);
        var job = Observe(gate)[0].Identity;

        var (outcome, report) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedOff, outcome);
        Assert.Equal("RefusedOff", report.Details["outcome"]);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dry_run_reports_what_it_would_do_and_changes_nothing()
    {
        var gate = Gate(o => o.Mode = InterventionMode.DryRun);
        var job = Observe(gate)[0].Identity;

        var (outcome, report) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.DryRun, outcome);
        Assert.Contains("dry run", report.Message, StringComparison.Ordinal);
        Assert.Equal(job.Uid, report.Details["uid"]);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
        Assert.Empty(_server.Requests); // Not even a read: a dry run writes nothing, and needs nothing more than the watch saw.
    }

    [Fact]
    public async Task Enabled_it_deletes_the_observed_Job_with_its_pods_by_uid_and_resource_version()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var job = Observe(gate)[0].Identity;

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.Executed, outcome);
        Assert.Null(_server.Store.Get("jobs", _driver.Namespace, job.Name));
        // Background propagation: its pods are being deleted (a running pod gets its grace period, as on a real server).
        Assert.All(_server.Store.List("pods", _driver.Namespace, LabelSelector.Parse("job-name=" + job.Name)).Items, p => Assert.True(p.IsTerminating, p.Name));
        Assert.Equal([$"GET /apis/batch/v1/namespaces/{job.Namespace}/jobs/{job.Name}", $"DELETE /apis/batch/v1/namespaces/{job.Namespace}/jobs/{job.Name}"], _server.Requests);
    }

    [Fact]
    public async Task The_hourly_limit_holds_and_frees_up_an_hour_later()
    {
        var gate = Gate(o =>
        {
            o.Mode = InterventionMode.Enabled;
            o.MaxPerHour = 2;
        });
        var jobs = Observe(gate).Take(4).Select(j => j.Identity).ToList();

        var outcomes = new List<InterventionOutcome>();
        foreach (var job in jobs.Take(3))
        {
            outcomes.Add((await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None)).Outcome);
        }

        Assert.Equal([InterventionOutcome.Executed, InterventionOutcome.Executed, InterventionOutcome.RefusedLimit], outcomes);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, jobs[2].Name));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(InterventionOutcome.Executed, (await gate.InterveneAsync(InterventionAction.TerminateTask, Target(jobs[3].Name), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_Job_no_watch_observed_is_never_deleted_whatever_its_labels()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        _server.Store.Upsert("jobs", HyperFlowObjects.ToNode(TargetIdentityTests.Job(_driver.Namespace, "backup-nightly", app: "backup")));
        _server.Store.Upsert("jobs", HyperFlowObjects.ToNode(TargetIdentityTests.Job(_driver.Namespace, "jobzzzzz-individuals-999-1"))); // HyperFlow's labels, another workflow's.
        var observed = Observe(gate);

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target("backup-nightly"), CancellationToken.None);
        var (other, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target("jobzzzzz-individuals-999-1"), CancellationToken.None);
        var (workflowOutcome, report) = await gate.InterveneAsync(
            InterventionAction.TerminateWorkflow, new InterventionTarget(_driver.Namespace, null, null, "test") { EnginePodName = _driver.EnginePodName }, CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotObserved, outcome);
        Assert.Equal(InterventionOutcome.RefusedNotObserved, other);
        Assert.Equal(InterventionOutcome.Executed, workflowOutcome);
        Assert.Equal(observed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), report.Details["jobs"]);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, "backup-nightly"));
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, "jobzzzzz-individuals-999-1"));
        Assert.All(observed, j => Assert.Null(_server.Store.Get("jobs", _driver.Namespace, j.Identity.Name)));
        Assert.All(_server.Requests.Where(r => r.StartsWith("DELETE", StringComparison.Ordinal)), r => Assert.Contains(observed, j => r.EndsWith("/" + j.Identity.Name, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_uid_other_than_the_observed_one_is_never_acted_on()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var job = Observe(gate)[0].Identity;

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name, "an-older-uid"), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotObserved, outcome);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_Job_replaced_under_the_same_name_after_the_watch_saw_it_is_never_deleted()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var job = Observe(gate)[0].Identity;
        var stored = _server.Store.Delete("jobs", job.Namespace, job.Name)!;
        var replacement = stored.Node.DeepClone().AsObject();
        replacement["metadata"]!["uid"] = "a-new-uid";
        _server.Store.Upsert("jobs", replacement);

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotOurs, outcome);
        Assert.Equal("a-new-uid", _server.Store.Get("jobs", job.Namespace, job.Name)!.Uid);
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Job_that_finished_after_the_watch_saw_it_running_is_never_deleted()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var job = Observe(gate)[0].Identity;
        var node = _server.Store.Get("jobs", job.Namespace, job.Name)!.Node.DeepClone().AsObject();
        node["status"] = JsonNode.Parse("""{ "succeeded": 1, "conditions": [ { "type": "Complete", "status": "True" } ] }""");
        _server.Store.Upsert("jobs", node);

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotRunning, outcome);
        Assert.NotNull(_server.Store.Get("jobs", job.Namespace, job.Name));
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_follower_replica_never_acts()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled, new NotLeader());
        var job = Observe(gate)[0].Identity;

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotLeader, outcome);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
        Assert.Empty(_server.Requests);
    }

    private IReadOnlyList<ObservedJob> Observe(InterventionGate gate) =>
        WatchdogTestKit.ObserveServer(gate.Observed, _server, _driver.CreateContext()).Running();

    private InterventionTarget Target(string job, string? uid = null) => new(_driver.Namespace, job, uid, "test");

    private InterventionGate Gate(Action<InterventionOptions>? configure, ILeadership? leadership = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(_server.ClientConfiguration));
        var builder = configure is null ? services.AddExecutionSentinel().AddWatchdog() : services.AddExecutionSentinel().AddWatchdog(configure);
        builder.UseCheckpoints(Checkpoints);
        if (leadership is not null)
        {
            builder.UseLeaderElection(_ => leadership);
        }

        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<InterventionGate>();
    }

    private sealed class NotLeader : ILeadership
    {
        public bool IsLeader => false;
    }
}
