using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;
using static ExecutionSentinel.Tests.Support.TestOptions;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class MassFailureDetectorTests
{
    [Fact]
    public void Failed_over_total_above_the_threshold_is_reported_once()
    {
        var specs = Enumerable.Range(0, 10).Select(i => Spec($"t{i}", "x")).ToArray();
        var bench = new DetectorBench(new MassFailureDetector(Monitor<MassFailureDetectorOptions>()), Context(specs));
        TaskObservation[] Failed(int n) => specs.Select((s, i) => Task(s.Name, "x", i < n ? TaskPhase.Failed : TaskPhase.Running)).ToArray();

        Assert.Empty(bench.Tick(TimeSpan.Zero, Failed(3))); // 0.3 is not above 0.3
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(10), Failed(4)));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(10), Failed(6)));

        Assert.Equal(ReportKind.MassFailure, report.Kind);
        Assert.Equal(ReportSeverity.Critical, report.Severity);
        Assert.Equal("0.4", report.Details["failedRatio"]);
    }
}
