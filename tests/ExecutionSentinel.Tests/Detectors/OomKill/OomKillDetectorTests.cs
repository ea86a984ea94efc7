using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class OomKillDetectorTests
{
    private static readonly AttemptTermination Oom1 = new(1, "OOMKilled", 137, null);

    [Fact]
    public void Each_OOM_killed_attempt_is_reported_once_with_its_memory_limit()
    {
        var bench = new DetectorBench(new OomKillDetector(), Context(Spec("a", "individuals", memory: "2Gi"), Spec("b", "individuals")));
        var now = bench.Time.GetUtcNow();

        var first = bench.Tick(TimeSpan.Zero, Task("a", "individuals", TaskPhase.Pending, now, 1, Oom1));
        var again = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "individuals", TaskPhase.Running, now, 2, Oom1));
        var second = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "individuals", TaskPhase.Failed, now, 2, Oom1, new AttemptTermination(2, "OOMKilled", 137, null)));

        var kill = Assert.Single(first);
        Assert.Equal(ReportKind.OomKill, kill.Kind);
        Assert.Equal("2Gi", kill.Details["memoryLimit"]);
        Assert.Contains("2Gi", kill.Message, StringComparison.Ordinal);
        Assert.Empty(again);
        Assert.Equal("2", Assert.Single(second).Details["attempt"]);
    }

    [Fact]
    public void Other_active_tasks_of_the_type_get_one_risk_warning_and_other_types_none()
    {
        var bench = new DetectorBench(new OomKillDetector(), Context(Spec("a", "ind"), Spec("b", "ind"), Spec("c", "ind"), Spec("d", "sifting"), Spec("e", "ind")));
        var now = bench.Time.GetUtcNow();
        var b = Task("b", "ind", TaskPhase.Running, now);
        var c = Task("c", "ind", TaskPhase.Pending);
        var d = Task("d", "sifting", TaskPhase.Running, now);
        var e = Task("e", "ind", TaskPhase.Succeeded, now);
        bench.Tick(TimeSpan.Zero, Task("a", "ind", TaskPhase.Running, now), b, c, d, e);

        var reports = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "ind", TaskPhase.Pending, now, 1, Oom1), b, c, d, e);
        var later = bench.Tick(TimeSpan.FromSeconds(10), Task("a", "ind", TaskPhase.Failed, now, 2, Oom1, new AttemptTermination(2, "OOMKilled", 137, null)), b, c, d, e);

        var risk = Assert.Single(reports, r => r.Kind == ReportKind.OomRisk);
        Assert.Equal("b,c", risk.Details["tasks"]);
        Assert.Equal(ReportSeverity.Warning, risk.Severity);
        Assert.DoesNotContain(later, r => r.Kind == ReportKind.OomRisk);
    }

    [Fact]
    public void Reasons_are_matched_leniently_and_other_reasons_are_not_OOM()
    {
        var bench = new DetectorBench(new OomKillDetector(), Context());
        var reports = bench.Tick(TimeSpan.Zero,
            Task("a", "x", TaskPhase.Failed, null, 1, new AttemptTermination(1, "oomkilled", 137, null)),
            Task("b", "x", TaskPhase.Failed, null, 1, new AttemptTermination(1, "Error", 137, null)));

        Assert.Equal("a", Assert.Single(reports, r => r.Kind == ReportKind.OomKill).TaskName);
    }
}
