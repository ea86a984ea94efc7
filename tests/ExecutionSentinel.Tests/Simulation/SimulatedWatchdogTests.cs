using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Tests.Watchdog;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Simulation;

/// <summary>
/// The watchdog on a simulated cluster: policies tested end to end without Kubernetes, the simulated Jobs checked as the
/// real actuator checks them, and a deletion stopping its task as on the fake API server
/// (<see cref="WatchdogOnKubernetesTests.A_straggler_mapped_to_TerminateTask_has_its_Job_deleted_and_is_then_lost"/>).
/// </summary>
public sealed class SimulatedWatchdogTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task A_straggler_mapped_to_TerminateTask_is_terminated_in_the_simulation_and_then_reported_lost()
    {
        var straggler = FaultPicks.SameLevelTasks(Genome, 1)[0];
        using var harness = new SentinelHarness(
            Genome,
            c => c.Faults.Add(SimulatedFault.Straggle(straggler.Name, 6, TimeSpan.FromMinutes(3))),
            s => s.WatchTimeout = TimeSpan.FromHours(1),
            b => b.AddWatchdog(o =>
            {
                o.Mode = InterventionMode.Enabled;
                o.Actions["straggler"] = InterventionAction.TerminateTask;
            })); // No UseCheckpoints: the simulated cluster keeps the hourly record itself.

        var reports = await harness.RunAsync();

        var intervention = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal("Executed", intervention.Details["outcome"]);
        Assert.Equal(straggler.Name, intervention.TaskName);
        var termination = Assert.Single(harness.Cluster.Terminations);
        Assert.Equal((straggler.Name, intervention.JobName, intervention.Details["uid"], harness.Context().Namespace),
            (termination.TaskName, termination.JobName, termination.JobUid, termination.Namespace));
        Assert.True(termination.DeletedAt < harness.Cluster.Timelines[straggler.Name].FinishedAt, "terminated before the straggler would have ended");

        // Then, as on Kubernetes: the pod terminates for its grace period, the task is gone, and nothing reports its end.
        var lost = Assert.Single(reports, r => r.Kind == ReportKind.TaskLost && r.TaskName == straggler.Name);
        Assert.Equal(termination.DeletedAt + new SimulatedClusterOptions().TerminationGracePeriod, lost.Timestamp, TimeSpan.FromSeconds(11)); // The next tick after the pod went.
        var summary = reports[^1].Summary!;
        Assert.Contains(straggler.Name, summary.UnknownTaskNames);
        Assert.Equal(Genome.Tasks.Count - 1, summary.CompletedTasks);
        Assert.Equal(1, harness.Services.GetRequiredService<ExecutionSentinel.Watchdog.WatchdogStatusProvider>().GetStatus().InterventionsDone);
    }

    [Theory]
    [InlineData(InterventionMode.Off, "RefusedOff")]
    [InlineData(InterventionMode.DryRun, "DryRun")]
    public async Task Off_and_DryRun_report_the_straggler_and_change_nothing_in_the_simulation(InterventionMode mode, string outcome)
    {
        var straggler = FaultPicks.SameLevelTasks(Genome, 1)[0];
        using var harness = new SentinelHarness(
            Genome,
            c => c.Faults.Add(SimulatedFault.Straggle(straggler.Name, 6, TimeSpan.FromMinutes(3))),
            s => s.WatchTimeout = TimeSpan.FromHours(1),
            b => b.AddWatchdog(o =>
            {
                o.Mode = mode;
                o.Actions["straggler"] = InterventionAction.TerminateTask;
            }));

        var reports = await harness.RunAsync();

        var intervention = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal(outcome, intervention.Details["outcome"]);
        Assert.Empty(harness.Cluster.Terminations);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskLost);
        var summary = reports[^1].Summary!;
        Assert.Equal(WatchOutcome.Completed, summary.Outcome);
        Assert.Equal(Genome.Tasks.Count, summary.CompletedTasks); // The straggler ran to its (late) end.
    }

    [Fact]
    public void Resolving_the_watchdog_on_a_simulated_cluster_never_needs_a_Kubernetes_client()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider(SentinelHarness.Epoch));
        services.AddSingleton<IKubernetes>(_ => throw new InvalidOperationException("IKubernetes was resolved."));
        services.AddSingleton<IExecutionLedger>(new MemoryLedger());
        services.AddExecutionSentinel()
            .AddWatchdog(o =>
            {
                o.Mode = InterventionMode.Enabled;
                o.Actions["straggler"] = InterventionAction.TerminateTask;
            })
            .UseSimulatedCluster(sp => new SimulatedCluster(Genome, sp.GetRequiredService<TimeProvider>()));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate(); // Enabled, and no UseCheckpoints: the cluster keeps the record.
        Assert.IsType<WatchdogSentinel>(provider.GetRequiredService<ISentinel>());
        Assert.NotNull(provider.GetRequiredService<InterventionGate>());
        Assert.NotNull(provider.GetRequiredService<Reconciler>());
        Assert.NotNull(provider.GetRequiredService<ExecutionSentinel.Watchdog.WatchdogStatusProvider>());

        // The factory's cluster is registered itself, and it is the one the watches observe.
        var cluster = provider.GetRequiredService<SimulatedCluster>();
        Assert.Same(cluster, provider.GetRequiredService<IClusterProbe>());
        Assert.Same(cluster, provider.GetRequiredService<SimulatedCluster>());
    }

    [Fact]
    public async Task The_hourly_record_lives_in_the_simulated_cluster_and_outlives_a_restart_of_the_conductor()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(Genome, time);
        ServiceProvider Conductor()
        {
            var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
            services.AddExecutionSentinel().AddWatchdog(o => o.Mode = InterventionMode.Enabled).UseSimulatedCluster(cluster);
            return services.BuildServiceProvider();
        }

        await using var first = Conductor();
        var record = first.GetRequiredService<IInterventionRecord>();
        Assert.Null(await record.TryRecordAsync(time.GetUtcNow(), 1, () => true, CancellationToken.None));

        await using var restarted = Conductor();
        var again = restarted.GetRequiredService<IInterventionRecord>();
        Assert.Contains("simulated cluster", again.Where, StringComparison.Ordinal);
        Assert.Equal(InterventionOutcome.RefusedLimit, await again.TryRecordAsync(time.GetUtcNow(), 1, () => true, CancellationToken.None));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await again.TryRecordAsync(time.GetUtcNow(), 1, () => true, CancellationToken.None));
    }

    [Fact]
    public void Choosing_the_Kubernetes_probe_after_the_simulated_cluster_brings_back_the_rule_for_real_clusters()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider(SentinelHarness.Epoch));
        services.AddExecutionSentinel()
            .UseSimulatedCluster(sp => new SimulatedCluster(Genome, sp.GetRequiredService<TimeProvider>()))
            .AddWatchdog(o => o.Mode = InterventionMode.Enabled)
            .UseKubernetes();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InterventionOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("UseLeaderElection", StringComparison.Ordinal));
        Assert.Null(provider.GetService<IWatchdogCluster>());
    }

    [Fact]
    public async Task The_simulated_Job_is_acted_on_only_if_it_is_the_very_object_observed_and_still_runs()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(Genome, time, new SimulatedClusterOptions { DeleteFinishedAfter = TimeSpan.FromSeconds(100) });
        var context = cluster.CreateContext();
        await using var session = await cluster.AttachAsync(context, CancellationToken.None);
        var first = cluster.Timelines.Values.MinBy(t => t.StartedAt)!;
        time.Advance(first.StartedAt - time.GetUtcNow() + TimeSpan.FromSeconds(1));
        var running = (await session.ObserveAsync(CancellationToken.None)).Tasks.Single(t => t.Name == first.Task.Name);
        var job = new JobIdentity(context.Namespace, running.JobName!, running.JobUid!);
        var watchdog = new SimulatedWatchdogCluster(cluster);
        var actuator = new JobActuator(watchdog.Jobs, () => KubernetesProbeOptions.DefaultTaskLabelSelector);
        var gate = WatchdogTestKit.Gate(actuator, new SingleReplicaLeadership(), new InterventionOptions { Mode = InterventionMode.Enabled }, time, new ObservedJobs(TimeSpan.FromMinutes(20), time));

        // Another namespace has no such Job (404); another uid is another object; a selector its labels do not match is
        // another application's: none of them is touched.
        Assert.Equal(InterventionOutcome.NotFound, await actuator.TerminateJobAsync(job with { Namespace = "other-team" }, new WriteAdmission(gate), CancellationToken.None));
        Assert.Equal(InterventionOutcome.RefusedNotOurs, await actuator.TerminateJobAsync(job with { Uid = "00000000-0000-4000-8000-ffffffffffff" }, new WriteAdmission(gate), CancellationToken.None));
        Assert.Equal(InterventionOutcome.RefusedNotOurs, await new JobActuator(watchdog.Jobs, () => "app=database-backup").TerminateJobAsync(job, new WriteAdmission(gate), CancellationToken.None));
        Assert.Equal(InterventionOutcome.RefusedNotOurs, await actuator.TerminateJobAsync(job with { Name = "../other-team" }, new WriteAdmission(gate), CancellationToken.None));
        Assert.Empty(cluster.Terminations);

        // A dry run's admission says no right before the write: nothing is deleted.
        var dryRun = WatchdogTestKit.Gate(actuator, new SingleReplicaLeadership(), new InterventionOptions { Mode = InterventionMode.DryRun }, time, new ObservedJobs(TimeSpan.FromMinutes(20), time));
        Assert.Equal(InterventionOutcome.DryRun, await actuator.TerminateJobAsync(job, new WriteAdmission(dryRun), CancellationToken.None));
        Assert.Empty(cluster.Terminations);

        // The very Job, running: deleted, once; its task is seen terminating (no Job uid any more), then gone.
        Assert.Equal(InterventionOutcome.Executed, await actuator.TerminateJobAsync(job, new WriteAdmission(gate), CancellationToken.None));
        Assert.Equal(InterventionOutcome.NotFound, await actuator.TerminateJobAsync(job, new WriteAdmission(gate), CancellationToken.None));
        var terminating = (await session.ObserveAsync(CancellationToken.None)).Tasks.Single(t => t.Name == first.Task.Name);
        Assert.True(terminating.IsTerminating);
        Assert.Null(terminating.JobUid);
        Assert.Equal(TaskPhase.Running, terminating.Phase);
        time.Advance(new SimulatedClusterOptions().TerminationGracePeriod);
        Assert.DoesNotContain((await session.ObserveAsync(CancellationToken.None)).Tasks, t => t.Name == first.Task.Name);

        // A Job that finished is never deleted.
        var finished = cluster.Timelines.Values.Where(t => t.Task.Name != first.Task.Name && t.FinishedAt is not null).MinBy(t => t.FinishedAt)!;
        time.Advance(finished.FinishedAt!.Value - time.GetUtcNow() + TimeSpan.FromSeconds(1));
        var done = (await session.ObserveAsync(CancellationToken.None)).Tasks.Single(t => t.Name == finished.Task.Name);
        Assert.Equal(InterventionOutcome.RefusedNotRunning, await actuator.TerminateJobAsync(new JobIdentity(context.Namespace, done.JobName!, done.JobUid!), new WriteAdmission(gate), CancellationToken.None));
        Assert.Single(cluster.Terminations);
    }

    [Fact]
    public async Task The_reconciler_reads_executions_from_the_simulation_and_an_outage_is_never_taken_for_missing()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var options = new SimulatedClusterOptions();
        options.Faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1)));
        var cluster = new SimulatedCluster(Genome, time, options);
        var context = cluster.CreateContext();
        await using var session = await cluster.AttachAsync(context, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var running = (await session.ObserveAsync(CancellationToken.None)).Tasks.First(t => t.Phase == TaskPhase.Running);
        var executions = new SimulatedWatchdogCluster(cluster).Executions;
        LedgerExecution Execution(string ns, string job) => new() { Id = job, Namespace = ns, JobName = job, DispatchedAt = cluster.StartedAt };

        var state = await executions.GetStateAsync(Execution(context.Namespace, running.JobName!), CancellationToken.None);
        Assert.Equal((ClusterPresence.Running, running.JobUid), (state.Presence, state.Uid));
        Assert.Equal(ClusterPresence.Missing, (await executions.GetStateAsync(Execution(context.Namespace, "jobzzzzz-individuals-999-1"), CancellationToken.None)).Presence);
        Assert.Equal(ClusterPresence.Missing, (await executions.GetStateAsync(Execution("other-team", running.JobName!), CancellationToken.None)).Presence);
        Assert.Equal(ClusterPresence.Unknown, (await executions.GetStateAsync(Execution(context.Namespace, "../x"), CancellationToken.None)).Presence);

        time.Advance(TimeSpan.FromMinutes(4.5)); // Inside the outage.
        Assert.Equal(ClusterPresence.Unknown, (await executions.GetStateAsync(Execution(context.Namespace, running.JobName!), CancellationToken.None)).Presence);
    }
}
