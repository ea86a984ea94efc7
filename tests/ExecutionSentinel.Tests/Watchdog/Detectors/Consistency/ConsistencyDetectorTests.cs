using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Watchdog;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Watchdog;

public sealed class ConsistencyDetectorTests
{
    [Fact]
    public void The_engine_pod_gone_is_reported_once_per_episode()
    {
        var bench = new DetectorBench(new ConsistencyDetector(), Context(Spec("a", "x")));
        var running = Task("a", "x", TaskPhase.Running, bench.Time.GetUtcNow());

        bench.Detection.EnginePodPresent = false;
        var gone = bench.Tick(TimeSpan.FromSeconds(10), running);
        var still = bench.Tick(TimeSpan.FromSeconds(10), running);
        bench.Detection.EnginePodPresent = true;
        var back = bench.Tick(TimeSpan.FromSeconds(10), running);
        bench.Detection.EnginePodPresent = false;
        var goneAgain = bench.Tick(TimeSpan.FromSeconds(10), running);

        var report = Assert.Single(gone);
        Assert.Equal(WatchdogReportKinds.ConsistencyFinding, report.Kind);
        Assert.Equal("engine-pod-gone", report.Details["finding"]);
        Assert.Contains("hyperflow-engine-0", report.Message, StringComparison.Ordinal);
        Assert.Empty(still);
        Assert.Empty(back);
        Assert.Single(goneAgain);
    }

    [Fact]
    public void A_fresh_watch_does_not_check_the_inventory_against_the_cluster()
    {
        var bench = new DetectorBench(new ConsistencyDetector(), Context(Spec("a", "x")));

        Assert.Empty(bench.Tick(TimeSpan.Zero, Task("stranger", "y", TaskPhase.Running, bench.Time.GetUtcNow())));
    }
}
