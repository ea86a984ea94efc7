using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class TaskFailureDetectorTests
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
}
