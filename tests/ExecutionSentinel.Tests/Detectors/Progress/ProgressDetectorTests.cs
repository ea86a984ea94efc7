using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class ProgressDetectorTests
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
}
