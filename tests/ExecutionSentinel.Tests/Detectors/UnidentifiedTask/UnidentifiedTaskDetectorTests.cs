using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class UnidentifiedTaskDetectorTests
{
    [Fact]
    public void A_task_outside_the_inventory_is_reported_once_and_inventory_tasks_never()
    {
        var bench = new DetectorBench(new UnidentifiedTaskDetector(), Context(Spec("a", "x")));
        var now = bench.Time.GetUtcNow();
        var stranger = Task("job-7", "x", TaskPhase.Running, now) with { JobName = "hyperflow-job-7" };

        var first = bench.Tick(TimeSpan.Zero, Task("a", "x", TaskPhase.Running, now), stranger);
        var again = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "x", TaskPhase.Succeeded, now), stranger with { Phase = TaskPhase.Succeeded, FinishedAt = now });

        var report = Assert.Single(first);
        Assert.Equal(ReportKind.TaskUnidentified, report.Kind);
        Assert.Contains("'hyperflow-job-7'", report.Message, StringComparison.Ordinal);
        Assert.Empty(again);
    }
}
