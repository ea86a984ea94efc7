using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>Interventions against the fake API server, through the real client: safe by default, limited, and only on our own Jobs.</summary>
public sealed class InterventionTests : IAsyncLifetime
{
    private FakeKubeApiServer _server = null!;
    private HyperFlowClusterDriver _driver = null!;
    private FakeTimeProvider _time = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"), _time, new SimulatedClusterOptions { ParallelSlots = 8 });
        _driver = new HyperFlowClusterDriver(_server, cluster, HyperFlowObjects.FromSharedTemplate(SharedTraces.SharedDirectory, "wf-act"));
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
        var job = AnyJob();

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
        var job = AnyJob();

        var (outcome, report) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.DryRun, outcome);
        Assert.Contains("dry run", report.Message, StringComparison.Ordinal);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enabled_it_deletes_the_Job_with_its_pods_by_uid()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var job = AnyJob();

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name, job.Uid), CancellationToken.None);

        Assert.Equal(InterventionOutcome.Executed, outcome);
        Assert.Null(_server.Store.Get("jobs", _driver.Namespace, job.Name));

        // Background propagation: its pods are being deleted (a running pod gets its grace period, as on a real server).
        Assert.All(_server.Store.List("pods", _driver.Namespace, LabelSelector.Parse("job-name=" + job.Name)).Items, p => Assert.True(p.IsTerminating, p.Name));
    }

    [Fact]
    public async Task The_hourly_limit_holds_and_frees_up_an_hour_later()
    {
        var gate = Gate(o =>
        {
            o.Mode = InterventionMode.Enabled;
            o.MaxPerHour = 2;
        });
        var jobs = _server.Store.List("jobs", _driver.Namespace, LabelSelector.Everything).Items.Take(4).ToList();

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
    public async Task A_Job_outside_the_workflows_selector_is_never_deleted()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var foreign = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = "backup-nightly", NamespaceProperty = _driver.Namespace, Labels = new Dictionary<string, string> { ["app"] = "backup" } },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "b", Image = "b" }] } } },
        };
        _server.Store.Upsert("jobs", HyperFlowObjects.ToNode(foreign));

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target("backup-nightly"), CancellationToken.None);
        var (workflowOutcome, _) = await gate.InterveneAsync(InterventionAction.TerminateWorkflow, new InterventionTarget(_driver.Namespace, null, null, "test"), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotOurs, outcome);
        Assert.Equal(InterventionOutcome.Executed, workflowOutcome);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, "backup-nightly"));
        Assert.Empty(_server.Store.List("jobs", _driver.Namespace, LabelSelector.Parse("app=hyperflow")).Items);
    }

    [Fact]
    public async Task A_Job_with_another_uid_than_the_one_meant_is_never_deleted()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled);
        var job = AnyJob();

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name, "an-older-uid"), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotOurs, outcome);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
    }

    [Fact]
    public async Task A_follower_replica_never_acts()
    {
        var gate = Gate(o => o.Mode = InterventionMode.Enabled, new NotLeader());
        var job = AnyJob();

        var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, Target(job.Name), CancellationToken.None);

        Assert.Equal(InterventionOutcome.RefusedNotLeader, outcome);
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, job.Name));
    }

    private StoredObject AnyJob() => _server.Store.List("jobs", _driver.Namespace, LabelSelector.Everything).Items[0];

    private InterventionTarget Target(string job, string? uid = null) => new(_driver.Namespace, job, uid, "test");

    private InterventionGate Gate(Action<InterventionOptions>? configure, ILeadership? leadership = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(_server.ClientConfiguration));
        var builder = configure is null ? services.AddExecutionSentinel().AddWatchdog() : services.AddExecutionSentinel().AddWatchdog(configure);
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
