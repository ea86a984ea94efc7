using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.EndToEnd;

/// <summary>Real traces replayed through the whole sentinel: injected faults are found, healthy runs stay quiet.</summary>
public sealed class RealTraceReplayTests
{
    public static TheoryData<string> TraceNames() => new(RealTraces.Names());

    [Fact]
    public void The_repository_holds_the_real_traces_and_the_bundled_ones_are_among_them()
    {
        var names = RealTraces.Names().ToArray();

        Assert.True(names.Length >= 9, "Real traces found: " + string.Join(", ", names));
        Assert.Subset(names.ToHashSet(StringComparer.Ordinal), WorkflowTrace.BundledNames.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(3, WorkflowTrace.BundledNames.Count);
    }

    [Fact]
    public async Task Unmodified_replays_of_every_trace_raise_at_most_three_stragglers_and_no_failure_alarm()
    {
        var stragglers = new List<SentinelReport>();
        foreach (var name in RealTraces.Names())
        {
            using var harness = new SentinelHarness(RealTraces.Load(name), cluster: c => c.ParallelSlots = 16, sentinel: LongWatch);

            var reports = await harness.RunAsync(ExpectedDurationSource.SameRunTypeMedian);

            Assert.Equal(ReportKind.Completed, reports[^1].Kind);
            Assert.DoesNotContain(reports, r => r.Kind == ReportKind.TaskFailed || r.Kind == ReportKind.OomKill
                || r.Kind == ReportKind.OomRisk || r.Kind == ReportKind.MassFailure || r.Kind == ReportKind.TaskLost
                || r.Kind == ReportKind.PodEvicted || r.Kind == ReportKind.DetectorFault || r.Kind == ReportKind.ConnectivityLost);
            stragglers.AddRange(reports.Where(r => r.Kind == ReportKind.Straggler));
        }

        Assert.True(stragglers.Count <= 3, "False stragglers: " + string.Join("; ", stragglers.Select(s => s.Message)));
    }

    [Theory]
    [MemberData(nameof(TraceNames))]
    public async Task Every_injected_fault_is_reported(string traceName)
    {
        var trace = RealTraces.Load(traceName);
        var picks = FaultPicks.SameLevelTasks(trace);
        var straggle = picks[0];
        var oom = picks[1];
        var fail = picks[2];
        var evict = picks[3];
        var hang = picks[4];
        using var harness = new SentinelHarness(
            trace,
            cluster: c =>
            {
                c.ParallelSlots = 16;
                c.DeleteFinishedAfter = TimeSpan.FromSeconds(100);
                c.Faults.Add(SimulatedFault.Straggle(straggle.Name, 5, TimeSpan.FromMinutes(2)));
                c.Faults.Add(SimulatedFault.OomKill(oom.Name));
                c.Faults.Add(SimulatedFault.Fail(fail.Name, exitCode: 3));
                c.Faults.Add(SimulatedFault.Evict(evict.Name));
                c.Faults.Add(SimulatedFault.Hang(hang.Name));
                c.Faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(60)));
            },
            sentinel: LongWatch);

        var reports = await harness.RunAsync();

        Assert.Contains(reports, r => r.Kind == ReportKind.Straggler && r.TaskName == straggle.Name);
        Assert.Contains(reports, r => r.Kind == ReportKind.OomKill && r.TaskName == oom.Name && r.Details["exitCode"] == "137");
        Assert.Contains(reports, r => r.Kind == ReportKind.TaskFailed && r.TaskName == fail.Name && r.Details["exitCode"] == "3");
        Assert.Contains(reports, r => r.Kind == ReportKind.PodEvicted && r.TaskName == evict.Name);
        Assert.Contains(reports, r => r.Kind == ReportKind.Straggler && r.TaskName == hang.Name);
        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityRestored);
        Assert.Single(reports, r => r.Kind == ReportKind.OomKill);

        // The hung task keeps HyperFlow's engine waiting: the watch can only time out.
        var summary = reports[^1].Summary!;
        Assert.True(summary.TimedOut);
        Assert.Null(summary.ExitCode);
        Assert.Equal(1, summary.FailedTasks);
    }

    [Fact]
    public async Task A_task_that_vanishes_while_running_is_reported_lost_once()
    {
        var trace = WorkflowTrace.LoadBundled();
        var victim = trace.Tasks.MaxBy(t => t.Runtime)!;
        using var harness = new SentinelHarness(trace, cluster: c => c.Faults.Add(SimulatedFault.Vanish(victim.Name)), sentinel: o => o.WatchTimeout = TimeSpan.FromHours(1));

        var reports = await harness.RunAsync();

        var lost = Assert.Single(reports, r => r.Kind == ReportKind.TaskLost);
        Assert.Equal(victim.Name, lost.TaskName);
        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
    }

    [Fact]
    public async Task OOM_kills_are_reported_per_attempt_and_each_other_active_task_of_the_type_is_warned_once()
    {
        var trace = WorkflowTrace.LoadBundled();
        var victim = trace.Tasks.First(t => t.Category == "individuals");
        using var harness = new SentinelHarness(trace, cluster: c => c.Faults.Add(SimulatedFault.OomKill(victim.Name, attempts: 2)));

        var reports = await harness.RunAsync();

        var kills = reports.Where(r => r.Kind == ReportKind.OomKill).ToList();
        Assert.Equal(["1", "2"], kills.Select(k => k.Details["attempt"]));
        var risks = reports.Where(r => r.Kind == ReportKind.OomRisk).ToList();
        Assert.InRange(risks.Count, 1, kills.Count);
        Assert.All(risks, r => Assert.Equal("individuals", r.TaskType));
        var warned = risks.SelectMany(r => r.Details["tasks"].Split(',')).ToList();
        Assert.Equal(warned.Distinct().Count(), warned.Count);
        Assert.DoesNotContain(victim.Name, warned);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(trace.Tasks.Count, reports[^1].Summary!.CompletedTasks);
    }

    [Fact]
    public async Task Mass_failure_is_reported_once_and_fails_the_summary()
    {
        var trace = WorkflowTrace.LoadBundled();
        var victims = trace.Tasks.Where(t => t.Category == "individuals").Take(20).ToList();
        using var harness = new SentinelHarness(trace, cluster: c =>
        {
            foreach (var v in victims)
            {
                c.Faults.Add(SimulatedFault.Fail(v.Name));
            }
        });

        var reports = await harness.RunAsync();

        Assert.Single(reports, r => r.Kind == ReportKind.MassFailure);
        var summary = reports[^1].Summary!;
        Assert.Null(summary.EndedBy); // Reported, but asked to go on: the engine's exit code fails it.
        Assert.Equal(WatchOutcome.Failed, summary.Outcome);
        Assert.Equal(20, summary.FailedTasks);
    }

    private static void LongWatch(SentinelOptions o) => o.WatchTimeout = TimeSpan.FromHours(6);
}
