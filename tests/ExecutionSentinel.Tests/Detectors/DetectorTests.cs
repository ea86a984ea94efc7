using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;
using static ExecutionSentinel.Tests.Support.TestOptions;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class StragglerDetectorTests
{
    private static readonly TimeSpan Tick10 = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_task_past_three_times_its_expected_duration_plus_the_minimum_excess_is_reported_once()
    {
        var bench = new DetectorBench(new StragglerDetector(Options()), Context(Spec("s-0", "sifting", expectedSeconds: 45)));
        var started = bench.Time.GetUtcNow();
        var running = Task("s-0", "sifting", TaskPhase.Running, started);

        Assert.Empty(bench.Tick(TimeSpan.Zero, running));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(195), running)); // exactly 3 × 45 + 60: not past it
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), running));
        Assert.Empty(bench.Tick(Tick10, running));
        Assert.Empty(bench.Tick(TimeSpan.FromHours(1), running));

        Assert.Equal(ReportKind.Straggler, report.Kind);
        Assert.Equal(ReportSeverity.Warning, report.Severity);
        Assert.Equal("s-0", report.TaskName);
        Assert.Equal("sifting", report.TaskType);
        Assert.Equal("45", report.Details["expectedSeconds"]);
        Assert.Equal("196", report.Details["elapsedSeconds"]);
        Assert.Equal("inventory", report.Details["expectedFrom"]);
    }

    [Fact]
    public void A_sub_second_task_that_takes_a_few_seconds_does_not_fire()
    {
        var bench = new DetectorBench(new StragglerDetector(Options()), Context(Spec("d-0", "mDiffFit", expectedSeconds: 0.1)));
        var running = Task("d-0", "mDiffFit", TaskPhase.Running, bench.Time.GetUtcNow());

        bench.Tick(TimeSpan.Zero, running);

        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(25), running)); // 250× its expected, but only 25 s
    }

    [Fact]
    public void A_new_attempt_is_a_new_episode()
    {
        var bench = new DetectorBench(new StragglerDetector(Options(o => o.StragglerMinimumExcess = TimeSpan.Zero)), Context(Spec("t", "x", 10)));
        var first = Task("t", "x", TaskPhase.Running, bench.Time.GetUtcNow(), attempt: 1);
        bench.Tick(TimeSpan.Zero, first);
        Assert.Single(bench.Tick(TimeSpan.FromSeconds(31), first));

        var second = Task("t", "x", TaskPhase.Running, bench.Time.GetUtcNow(), attempt: 2);
        Assert.Empty(bench.Tick(TimeSpan.Zero, second));
        Assert.Equal("2", Assert.Single(bench.Tick(TimeSpan.FromSeconds(31), second)).Details["attempt"]);
    }

    [Fact]
    public void Without_an_expected_duration_the_median_of_finished_tasks_of_the_type_is_used()
    {
        var bench = new DetectorBench(new StragglerDetector(Options(o => o.StragglerMinimumExcess = TimeSpan.Zero)), Context());
        var t0 = bench.Time.GetUtcNow();
        TaskObservation Done(string n, double seconds) => new()
        {
            Name = n, TaskType = "x", Phase = TaskPhase.Succeeded, StartedAt = t0, FinishedAt = t0 + TimeSpan.FromSeconds(seconds), Attempt = 1,
        };
        var slow = Task("slow", "x", TaskPhase.Running, t0);

        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(40), slow, Done("a", 8), Done("b", 10))); // 2 samples: not enough
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), slow, Done("a", 8), Done("b", 10), Done("c", 12)));
        Assert.Equal("median", report.Details["expectedFrom"]);
        Assert.Equal("10", report.Details["expectedSeconds"]);
    }

    [Fact]
    public void A_task_that_finishes_or_vanishes_is_no_longer_watched()
    {
        var bench = new DetectorBench(new StragglerDetector(Options(o => o.StragglerMinimumExcess = TimeSpan.Zero)), Context(Spec("t", "x", 10), Spec("u", "x", 10)));
        var t0 = bench.Time.GetUtcNow();
        bench.Tick(TimeSpan.Zero, Task("t", "x", TaskPhase.Running, t0), Task("u", "x", TaskPhase.Running, t0));

        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(100), Task("t", "x", TaskPhase.Succeeded, t0)));
    }
}

public sealed class OomKillDetectorTests
{
    private static readonly AttemptTermination Oom1 = new(1, "OOMKilled", 137, null);

    [Fact]
    public void Each_OOM_killed_attempt_is_reported_once_with_its_memory_limit()
    {
        var bench = new DetectorBench(new OomKillDetector(), Context(Spec("a", "individuals", memory: "2Gi"), Spec("b", "individuals")));
        var now = bench.Time.GetUtcNow();

        var first = bench.Tick(TimeSpan.Zero, Task("a", "individuals", TaskPhase.Pending, now, 1, Oom1));
        var again = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "individuals", TaskPhase.Running, now, 2, Oom1));
        var second = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "individuals", TaskPhase.Failed, now, 2, Oom1, new AttemptTermination(2, "OOMKilled", 137, null)));

        var kill = Assert.Single(first);
        Assert.Equal(ReportKind.OomKill, kill.Kind);
        Assert.Equal("2Gi", kill.Details["memoryLimit"]);
        Assert.Contains("2Gi", kill.Message, StringComparison.Ordinal);
        Assert.Empty(again);
        Assert.Equal("2", Assert.Single(second).Details["attempt"]);
    }

    [Fact]
    public void Other_active_tasks_of_the_type_get_one_risk_warning_and_other_types_none()
    {
        var bench = new DetectorBench(new OomKillDetector(), Context(Spec("a", "ind"), Spec("b", "ind"), Spec("c", "ind"), Spec("d", "sifting"), Spec("e", "ind")));
        var now = bench.Time.GetUtcNow();
        var b = Task("b", "ind", TaskPhase.Running, now);
        var c = Task("c", "ind", TaskPhase.Pending);
        var d = Task("d", "sifting", TaskPhase.Running, now);
        var e = Task("e", "ind", TaskPhase.Succeeded, now);
        bench.Tick(TimeSpan.Zero, Task("a", "ind", TaskPhase.Running, now), b, c, d, e);

        var reports = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "ind", TaskPhase.Pending, now, 1, Oom1), b, c, d, e);
        var later = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "ind", TaskPhase.Failed, now, 2, Oom1, new AttemptTermination(2, "OOMKilled", 137, null)), b, c, d, e);

        var risk = Assert.Single(reports, r => r.Kind == ReportKind.OomRisk);
        Assert.Equal("b,c", risk.Details["tasks"]);
        Assert.Equal(ReportSeverity.Warning, risk.Severity);
        Assert.DoesNotContain(later, r => r.Kind == ReportKind.OomRisk);
    }

    [Fact]
    public void Reasons_are_matched_leniently_and_other_reasons_are_not_OOM()
    {
        var bench = new DetectorBench(new OomKillDetector(), Context());
        var reports = bench.Tick(TimeSpan.Zero,
            Task("a", "x", TaskPhase.Failed, null, 1, new AttemptTermination(1, "oomkilled", 137, null)),
            Task("b", "x", TaskPhase.Failed, null, 1, new AttemptTermination(1, "Error", 137, null)));

        Assert.Equal("a", Assert.Single(reports, r => r.Kind == ReportKind.OomKill).TaskName);
    }
}

public sealed class MassFailureDetectorTests
{
    [Fact]
    public void Failed_over_total_above_the_threshold_is_reported_once()
    {
        var specs = Enumerable.Range(0, 10).Select(i => Spec($"t{i}", "x")).ToArray();
        var bench = new DetectorBench(new MassFailureDetector(Options()), Context(specs));
        TaskObservation[] Failed(int n) => specs.Select((s, i) => Task(s.Name, "x", i < n ? TaskPhase.Failed : TaskPhase.Running)).ToArray();

        Assert.Empty(bench.Tick(TimeSpan.Zero, Failed(3))); // 0.3 is not above 0.3
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(10), Failed(4)));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(10), Failed(6)));

        Assert.Equal(ReportKind.MassFailure, report.Kind);
        Assert.Equal(ReportSeverity.Critical, report.Severity);
        Assert.Equal("0.4", report.Details["failedRatio"]);
    }
}

public sealed class ConnectivityDetectorTests
{
    private static readonly TimeSpan Tick10 = TimeSpan.FromSeconds(10);

    [Fact]
    public void Three_failures_in_a_row_are_lost_and_the_next_success_is_restored_once_per_outage()
    {
        var bench = new DetectorBench(new ConnectivityDetector(Options()), Context());

        Assert.Empty(bench.FailedTick(Tick10));
        Assert.Empty(bench.FailedTick(Tick10));
        var lost = Assert.Single(bench.FailedTick(Tick10));
        Assert.Empty(bench.FailedTick(Tick10));
        var restored = Assert.Single(bench.Tick(Tick10));
        Assert.Empty(bench.Tick(Tick10));

        Assert.Equal(ReportKind.ConnectivityLost, lost.Kind);
        Assert.Equal(ReportSeverity.Error, lost.Severity);
        Assert.Contains("connection refused", lost.Message, StringComparison.Ordinal);
        Assert.Equal(ReportKind.ConnectivityRestored, restored.Kind);
        Assert.Equal("40", restored.Details["outageSeconds"]);
    }

    [Fact]
    public void Short_blips_are_not_reported()
    {
        var bench = new DetectorBench(new ConnectivityDetector(Options()), Context());

        var reports = bench.FailedTick(Tick10).Concat(bench.FailedTick(Tick10)).Concat(bench.Tick(Tick10)).Concat(bench.FailedTick(Tick10)).Concat(bench.FailedTick(Tick10)).Concat(bench.Tick(Tick10));

        Assert.Empty(reports);
    }
}

public sealed class ProgressAndPhaseDetectorTests
{
    [Fact]
    public void Progress_is_reported_when_completed_or_failed_counts_change_only()
    {
        var bench = new DetectorBench(new ProgressDetector(), Context(Spec("a", "x"), Spec("b", "x")));
        var now = bench.Time.GetUtcNow();

        Assert.Empty(bench.Tick(TimeSpan.Zero, Task("a", "x", TaskPhase.Running, now), Task("b", "x", TaskPhase.Pending)));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Running, now), Task("b", "x", TaskPhase.Running, now)));
        var one = Assert.Single(bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Succeeded, now), Task("b", "x", TaskPhase.Running, now)));
        var two = Assert.Single(bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Succeeded, now), Task("b", "x", TaskPhase.Failed, now)));

        Assert.Equal(new ProgressCounts(1, 0, 1, 2), one.Progress);
        Assert.Equal("1 of 2 tasks completed.", one.Message);
        Assert.Equal("1 of 2 tasks completed, 1 failed.", two.Message);
    }

    [Fact]
    public void A_phase_starts_with_its_first_running_task_and_completes_when_every_task_of_the_type_finished()
    {
        var bench = new DetectorBench(new PhaseDetector(), Context(Spec("a", "x"), Spec("b", "x"), Spec("c", "y")));
        var now = bench.Time.GetUtcNow();

        Assert.Empty(bench.Tick(TimeSpan.Zero, Task("a", "x", TaskPhase.Pending)));
        var started = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), Task("a", "x", TaskPhase.Running, now)));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(1), Task("a", "x", TaskPhase.Succeeded, now), Task("b", "x", TaskPhase.Running, now)));
        var completed = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), Task("a", "x", TaskPhase.Succeeded, now), Task("b", "x", TaskPhase.Failed, now)));

        Assert.Equal((ReportKind.PhaseStarted, "x"), (started.Kind, started.TaskType));
        Assert.Equal((ReportKind.PhaseCompleted, "x"), (completed.Kind, completed.TaskType));
    }
}

public sealed class TaskFailureAndLossDetectorTests
{
    [Fact]
    public void A_failed_task_and_each_evicted_attempt_are_reported_once()
    {
        var bench = new DetectorBench(new TaskFailureDetector(), Context(Spec("a", "x")));
        var evicted = new AttemptTermination(1, "Evicted", null, null);

        var first = bench.Tick(TimeSpan.Zero, Task("a", "x", TaskPhase.Pending, null, 1, evicted));
        var second = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Running, null, 2, evicted));
        var third = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Failed, null, 2, evicted, new AttemptTermination(2, "Error", 2, null)));
        var fourth = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Failed, null, 2, evicted, new AttemptTermination(2, "Error", 2, null)));

        Assert.Equal(ReportKind.PodEvicted, Assert.Single(first).Kind);
        Assert.Empty(second);
        var failed = Assert.Single(third);
        Assert.Equal(ReportKind.TaskFailed, failed.Kind);
        Assert.Equal("2", failed.Details["exitCode"]);
        Assert.Empty(fourth);
    }

    [Fact]
    public void A_running_task_that_vanishes_is_lost_but_a_finished_one_is_not()
    {
        var bench = new DetectorBench(new TaskLostDetector(), Context(Spec("a", "x"), Spec("b", "x")));
        var now = bench.Time.GetUtcNow();
        bench.Tick(TimeSpan.Zero, Task("a", "x", TaskPhase.Running, now), Task("b", "x", TaskPhase.Succeeded, now));

        var reports = bench.Tick(TimeSpan.FromSeconds(10));
        var again = bench.Tick(TimeSpan.FromSeconds(10));

        var lost = Assert.Single(reports);
        Assert.Equal((ReportKind.TaskLost, "a"), (lost.Kind, lost.TaskName));
        Assert.Empty(again);
        Assert.Equal(1, bench.Detection.Progress.Completed);
    }
}

public sealed class PendingAndContainerTroubleDetectorTests
{
    [Fact]
    public void An_unschedulable_task_is_reported_once_after_the_pending_timeout()
    {
        var bench = new DetectorBench(new PendingTooLongDetector(Options()), Context(Spec("a", "x"), Spec("b", "x")));
        var created = bench.Time.GetUtcNow();
        var stuck = Task("a", "x", TaskPhase.Pending) with { CreatedAt = created, SchedulingFailure = "Unschedulable" };
        var briefly = Task("b", "x", TaskPhase.Pending) with { CreatedAt = created };

        Assert.Empty(bench.Tick(TimeSpan.FromMinutes(5), stuck, briefly));
        Assert.Empty(bench.Tick(TimeSpan.Zero, stuck, Task("b", "x", TaskPhase.Running, created)));
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(10), stuck, Task("b", "x", TaskPhase.Running, created)));
        Assert.Empty(bench.Tick(TimeSpan.FromMinutes(10), stuck, Task("b", "x", TaskPhase.Running, created)));

        Assert.Equal((ReportKind.PendingTooLong, "a"), (report.Kind, report.TaskName));
        Assert.Contains("Unschedulable", report.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ImagePullBackOff", "image-pull-error")]
    [InlineData("ErrImagePull", "image-pull-error")]
    [InlineData("CreateContainerConfigError", "configuration-error")]
    [InlineData("CrashLoopBackOff", "crash-loop")]
    public void Waiting_reasons_that_will_not_fix_themselves_are_reported_once(string reason, string kind)
    {
        var bench = new DetectorBench(new ContainerTroubleDetector(), Context(Spec("a", "x")));
        var waiting = Task("a", "x", TaskPhase.Pending) with { WaitingReason = reason };

        var first = bench.Tick(TimeSpan.Zero, waiting);
        var again = bench.Tick(TimeSpan.FromSeconds(10), waiting with { NodeName = "node-2" });

        Assert.Equal(kind, Assert.Single(first).Kind.Name);
        Assert.Empty(again);
    }

    [Fact]
    public void A_job_failure_target_is_reported_once_and_ordinary_waiting_is_not()
    {
        var bench = new DetectorBench(new ContainerTroubleDetector(), Context(Spec("a", "x")));

        var creating = bench.Tick(TimeSpan.Zero, Task("a", "x", TaskPhase.Pending) with { WaitingReason = "ContainerCreating" });
        var target = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Failed) with { JobFailureTarget = "BackoffLimitExceeded" });

        Assert.Empty(creating);
        Assert.Equal(ReportKind.JobFailureTarget, Assert.Single(target).Kind);
    }
}
