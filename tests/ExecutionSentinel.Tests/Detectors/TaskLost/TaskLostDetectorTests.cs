using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class TaskLostDetectorTests
{
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
