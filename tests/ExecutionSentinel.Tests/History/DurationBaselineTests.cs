using ExecutionSentinel.History;

namespace ExecutionSentinel.Tests.History;

public sealed class DurationBaselineTests
{
    [Fact]
    public void A_baseline_holds_the_count_median_95th_percentile_and_median_absolute_deviation()
    {
        // 1..20 s: median 10.5, 95th percentile (nearest rank: the 19th) 19, deviations 0.5..9.5 → their median 5.
        var baseline = DurationBaseline.FromDurations(Enumerable.Range(1, 20).Select(s => TimeSpan.FromSeconds(s)).Reverse())!;

        Assert.Equal(20, baseline.Count);
        Assert.Equal(TimeSpan.FromSeconds(10.5), baseline.Median);
        Assert.Equal(TimeSpan.FromSeconds(19), baseline.HighQuantile);
        Assert.Equal(TimeSpan.FromSeconds(5), baseline.MedianAbsoluteDeviation);
        Assert.Null(DurationBaseline.FromDurations([]));
    }

    [Fact]
    public void Baselines_from_runs_are_per_node_and_per_type()
    {
        RunDurations Run(double a1, double a2) => new()
        {
            Tasks =
            [
                new TaskDuration { Name = "a-1", TaskType = "a", Duration = TimeSpan.FromSeconds(a1) },
                new TaskDuration { Name = "a-2", TaskType = "a", Duration = TimeSpan.FromSeconds(a2) },
            ],
        };

        var baselines = DurationBaselines.FromRuns("wf", [Run(10, 100), Run(12, 110), Run(11, 90)]);

        Assert.Equal(3, baselines.Runs);
        Assert.Equal(TimeSpan.FromSeconds(11), baselines.Nodes["a-1"].Median);
        Assert.Equal(TimeSpan.FromSeconds(100), baselines.Nodes["a-2"].Median);
        Assert.Equal(6, baselines.Types["a"].Count);
        Assert.Equal(TimeSpan.FromSeconds(51), baselines.Types["a"].Median); // 10, 11, 12, 90, 100, 110: (12 + 90) / 2
    }
}
