using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class ContainerTroubleDetectorTests
{
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
