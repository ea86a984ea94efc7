using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// The sentinel with the Kubernetes probe and the real KubernetesClient, over HTTP, watching real traces replayed as
/// HyperFlow Jobs and pods on the fake API server.
/// </summary>
public sealed class KubernetesProbeReplayTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task A_healthy_run_with_TTL_deletion_completes_with_every_task_counted()
    {
        await using var harness = await KubeHarness.StartAsync(Genome, c => c.DeleteFinishedAfter = TimeSpan.FromSeconds(100));

        var reports = await harness.RunAsync();

        var end = reports[^1];
        Assert.Equal(ReportKind.Completed, end.Kind);
        Assert.Equal(0, end.Summary!.ExitCode);
        Assert.Equal(Genome.Tasks.Count, end.Summary.CompletedTasks);
        Assert.Equal(Genome.Tasks.Count, end.Summary.TotalTasks);
        Assert.DoesNotContain(reports, r => r.Severity >= ReportSeverity.Warning && r.Kind != ReportKind.Straggler);
        Assert.True(harness.Counters.Events > Genome.Tasks.Count * 3, $"expected the watch to carry the run, saw {harness.Counters.Events} events");
        Assert.Equal(0, harness.Counters.Relists);
    }

    [Fact]
    public async Task Every_injected_fault_is_reported_from_real_objects()
    {
        var picks = FaultPicks.SameLevelTasks(Genome, 5);
        var (straggle, oom, fail, evict, pending) = (picks[0], picks[1], picks[2], picks[3], picks[4]);
        await using var harness = await KubeHarness.StartAsync(Genome, c =>
        {
            c.DeleteFinishedAfter = TimeSpan.FromSeconds(100);
            c.Faults.Add(SimulatedFault.Straggle(straggle.Name, 5, TimeSpan.FromMinutes(2)));
            c.Faults.Add(SimulatedFault.OomKill(oom.Name));
            c.Faults.Add(SimulatedFault.Fail(fail.Name, exitCode: 3));
            c.Faults.Add(SimulatedFault.Evict(evict.Name));
            c.Faults.Add(SimulatedFault.Unschedulable(pending.Name, TimeSpan.FromMinutes(7)));
        });

        var reports = await harness.RunAsync();

        Assert.Contains(reports, r => r.Kind == ReportKind.Straggler && r.TaskName == straggle.Name);
        Assert.Single(reports, r => r.Kind == ReportKind.OomKill && r.TaskName == oom.Name && r.Details["exitCode"] == "137");
        Assert.Single(reports, r => r.Kind == ReportKind.TaskFailed && r.TaskName == fail.Name && r.Details["exitCode"] == "3");
        Assert.Single(reports, r => r.Kind == ReportKind.PodEvicted && r.TaskName == evict.Name);
        Assert.Single(reports, r => r.Kind == ReportKind.PendingTooLong && r.TaskName == pending.Name);
        Assert.Single(reports, r => r.Kind == ReportKind.JobFailureTarget && r.TaskName == fail.Name);
        var end = reports[^1];
        Assert.Equal(ReportKind.Failed, end.Kind);
        Assert.Equal(1, end.Summary!.ExitCode);
        Assert.Equal(1, end.Summary.FailedTasks);
    }

    [Fact]
    public async Task A_pod_that_vanishes_while_running_is_reported_lost_once()
    {
        var victim = Genome.Tasks.MaxBy(t => t.Runtime)!;
        await using var harness = await KubeHarness.StartAsync(
            Genome, c => c.Faults.Add(SimulatedFault.Vanish(victim.Name)), s => s.WatchTimeout = TimeSpan.FromHours(1));

        var reports = await harness.RunAsync();

        Assert.Equal(victim.Name, Assert.Single(reports, r => r.Kind == ReportKind.TaskLost).TaskName);
        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
    }

    [Theory]
    [InlineData(0, "Completed")]
    [InlineData(1, "Failed")]
    public async Task The_engine_signal_is_read_over_exec(int exitCode, string outcome)
    {
        await using var harness = await KubeHarness.StartAsync(WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001"), c => c.EngineExitCode = exitCode);

        var reports = await harness.RunAsync();

        Assert.Equal(outcome, reports[^1].Summary!.Outcome.ToString());
        Assert.Equal(exitCode, reports[^1].Summary!.ExitCode);
        Assert.Single(reports, r => r.IsTerminal);
    }

    [Fact]
    public async Task An_engine_that_never_signals_times_out()
    {
        await using var harness = await KubeHarness.StartAsync(
            WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001"), c => c.EngineSignals = false, s => s.WatchTimeout = TimeSpan.FromMinutes(90));

        var reports = await harness.RunAsync();

        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
        Assert.Equal(reports[^1].Summary!.TotalTasks, reports[^1].Summary!.CompletedTasks);
    }

    [Fact]
    public async Task Garbage_in_the_signal_file_is_a_warning_then_a_valid_signal_ends_the_watch()
    {
        var trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        await using var harness = await KubeHarness.StartAsync(trace, c => c.EngineSignals = false);
        harness
            .At(TimeSpan.FromMinutes(1), h => h.Server.WriteFile(h.Driver.Namespace, h.Driver.EnginePodName, "hyperflow", HyperFlowClusterDriver.SignalFile, "Segmentation fault\n"))
            .At(TimeSpan.FromMinutes(3), h => h.Server.WriteFile(h.Driver.Namespace, h.Driver.EnginePodName, "hyperflow", HyperFlowClusterDriver.SignalFile, "0\n"));

        var reports = await harness.RunAsync();

        Assert.Single(reports, r => r.Kind == ReportKind.SignalUnreadable && r.Details["raw"] == "Segmentation fault");
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
    }

    [Fact]
    public async Task The_postprocStart_marker_ends_the_watch_when_there_is_no_exit_code_file()
    {
        var trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        await using var harness = await KubeHarness.StartAsync(trace, c => c.EngineSignals = false, probe: p => p.CompletionMarkerFile = "/work_dir/postprocStart");
        harness.At(TimeSpan.FromMinutes(2), h => h.Server.WriteFile(h.Driver.Namespace, h.Driver.EnginePodName, "hyperflow", "/work_dir/postprocStart", ""));

        var reports = await harness.RunAsync();

        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(0, reports[^1].Summary!.ExitCode);
    }
}
