using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;
using static ExecutionSentinel.Tests.Support.TestOptions;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class PendingTooLongDetectorTests
{
    [Fact]
    public void An_unschedulable_task_is_reported_once_after_the_pending_timeout()
    {
        var bench = new DetectorBench(new PendingTooLongDetector(Monitor<PendingTooLongDetectorOptions>()), Context(Spec("a", "x"), Spec("b", "x")));
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
}
