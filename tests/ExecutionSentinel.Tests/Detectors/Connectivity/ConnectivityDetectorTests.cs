using ExecutionSentinel.Detectors;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;
using static ExecutionSentinel.Tests.Support.TestOptions;

namespace ExecutionSentinel.Tests.Detectors;

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
