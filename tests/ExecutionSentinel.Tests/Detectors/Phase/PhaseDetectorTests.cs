using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class PhaseDetectorTests
{
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
