using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// The hourly limit outlives the replica that counted: a restarted conductor (same checkpoint store) and a new leader (same
/// Lease) both find the interventions of the last hour. Over HTTP against the fake API server; each replica is a service
/// provider of its own, as a process would be.
/// </summary>
public sealed class DurableLimitTests : IAsyncLifetime
{
    private FakeKubeApiServer _server = null!;
    private HyperFlowClusterDriver _driver = null!;
    private FakeTimeProvider _time = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"), _time, new SimulatedClusterOptions { ParallelSlots = 8 });
        _driver = new HyperFlowClusterDriver(_server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-limit"));
        _time.Advance(TimeSpan.FromSeconds(20));
        _driver.Sync(_time.GetUtcNow());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_hourly_limit_survives_a_restart_with_the_checkpoint_store()
    {
        var store = new MemoryCheckpointStore();
        List<string> jobs;
        await using (var first = Replica(b => b.UseCheckpoints(store)))
        {
            var gate = first.GetRequiredService<InterventionGate>();
            jobs = [.. Observe(gate).Select(j => j.Identity.Name)];
            Assert.Equal(InterventionOutcome.Executed, await TerminateAsync(gate, jobs[0]));
            Assert.Equal(InterventionOutcome.Executed, await TerminateAsync(gate, jobs[1]));
        }

        await using var restarted = Replica(b => b.UseCheckpoints(store));
        var again = restarted.GetRequiredService<InterventionGate>();
        Observe(again);

        Assert.Equal(InterventionOutcome.RefusedLimit, await TerminateAsync(again, jobs[2]));
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, jobs[2]));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(InterventionOutcome.Executed, await TerminateAsync(again, jobs[2]));
    }

    [Fact]
    public async Task The_hourly_limit_holds_across_a_leader_change_through_the_record_on_the_Lease()
    {
        List<string> jobs;
        await using (var a = Replica(b => b.UseLeaderElection(o => Lease(o, "replica-a"))))
        {
            await LeaderElectionOnKubernetesTests.Leads((LeaseLeadership)a.GetRequiredService<ILeadership>());
            var gate = a.GetRequiredService<InterventionGate>();
            jobs = [.. Observe(gate).Select(j => j.Identity.Name)];
            Assert.Equal(InterventionOutcome.Executed, await TerminateAsync(gate, jobs[0]));
            Assert.Equal(InterventionOutcome.Executed, await TerminateAsync(gate, jobs[1]));
            Assert.Equal(InterventionOutcome.RefusedLimit, await TerminateAsync(gate, jobs[2]));
        }

        // Replica a is gone (its lease runs out); replica b takes over, with a memory of its own that knows nothing.
        await using var b = Replica(builder => builder.UseLeaderElection(o => Lease(o, "replica-b")));
        var leadership = (LeaseLeadership)b.GetRequiredService<ILeadership>();
        await LeaderElectionOnKubernetesTests.Leads(leadership);
        var next = b.GetRequiredService<InterventionGate>();
        Observe(next);

        Assert.Equal(InterventionOutcome.RefusedLimit, await TerminateAsync(next, jobs[2]));
        Assert.NotNull(_server.Store.Get("jobs", _driver.Namespace, jobs[2]));
        var lease = _server.Store.Get("leases", "conductor", LeaderElectionOptions.DefaultLeaseName)!;
        Assert.Equal("replica-b", (string?)lease.Node["spec"]!["holderIdentity"]);
        Assert.Equal(2, ((string)lease.Node["metadata"]!["annotations"]![LeaseInterventionRecord.Annotation]!).Split(',').Length);

        _time.Advance(TimeSpan.FromHours(1));
        await LeaderElectionOnKubernetesTests.Until(() => leadership.IsLeader, "replica b to renew its lease on the new hour (its fence)");
        Assert.Equal(InterventionOutcome.Executed, await TerminateAsync(next, jobs[2]));
    }

    [Fact]
    public async Task Concurrent_interventions_never_take_more_than_the_limit_check_and_record_are_one_step()
    {
        await using var provider = Replica(b => b.UseCheckpoints(new MemoryCheckpointStore()));
        var gate = provider.GetRequiredService<InterventionGate>();
        var jobs = Observe(gate).Take(8).Select(j => j.Identity.Name).ToList();

        var outcomes = await Task.WhenAll(jobs.Select(job => Task.Run(() => TerminateAsync(gate, job))));

        Assert.Equal(2, outcomes.Count(o => o == InterventionOutcome.Executed));
        Assert.Equal(jobs.Count - 2, outcomes.Count(o => o == InterventionOutcome.RefusedLimit));
        Assert.Equal(2, _server.Requests.Count(r => r.StartsWith("DELETE", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_enabled_watchdog_with_its_record_only_in_memory_refuses_to_start_and_says_how_to_fix_it()
    {
        using var provider = Replica(configure: null);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<InterventionGate>());

        Assert.Contains("ExecutionSentinel:Interventions:Mode needs a record of the hourly limit that outlives a restart", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseLeaderElection", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseCheckpoints", error.Message, StringComparison.Ordinal);
    }

    private static void Lease(LeaderElectionOptions options, string identity)
    {
        options.Namespace = "conductor";
        options.Identity = identity;
        options.LeaseDuration = TimeSpan.FromSeconds(2);
        options.RenewDeadline = TimeSpan.FromSeconds(1);
        options.RetryPeriod = TimeSpan.FromMilliseconds(200);
    }

    private ServiceProvider Replica(Action<ISentinelBuilder>? configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(_server.ClientConfiguration));
        var builder = services.AddExecutionSentinel().AddWatchdog(o =>
        {
            o.Mode = InterventionMode.Enabled;
            o.MaxPerHour = 2;
        });
        configure?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    private IReadOnlyList<ObservedJob> Observe(InterventionGate gate) =>
        WatchdogTestKit.ObserveServer(gate.Observed, _server, _driver.CreateContext()).Running();

    private async Task<InterventionOutcome> TerminateAsync(InterventionGate gate, string job) =>
        (await gate.InterveneAsync(InterventionAction.TerminateTask, new InterventionTarget(_driver.Namespace, job, null, "test"), CancellationToken.None)).Outcome;
}
