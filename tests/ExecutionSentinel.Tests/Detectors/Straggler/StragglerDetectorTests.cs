using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static ExecutionSentinel.Testing.DetectorBench;
using static ExecutionSentinel.Tests.Support.TestOptions;

namespace ExecutionSentinel.Tests.Detectors;

public sealed class StragglerDetectorTests
{
    private static readonly TimeSpan Tick10 = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_task_past_three_times_its_expected_duration_plus_the_minimum_excess_is_reported_once()
    {
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>()), Context(Spec("s-0", "sifting", expectedSeconds: 45)));
        var started = bench.Time.GetUtcNow();
        var running = Task("s-0", "sifting", TaskPhase.Running, started);

        Assert.Empty(bench.Tick(TimeSpan.Zero, running));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(195), running)); // exactly 3 × 45 + 60: not past it
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), running));
        Assert.Empty(bench.Tick(Tick10, running));
        Assert.Empty(bench.Tick(TimeSpan.FromHours(1), running));

        Assert.Equal(ReportKind.Straggler, report.Kind);
        Assert.Equal(ReportSeverity.Warning, report.Severity);
        Assert.Equal("s-0", report.TaskName);
        Assert.Equal("sifting", report.TaskType);
        Assert.Equal("45", report.Details["expectedSeconds"]);
        Assert.Equal("196", report.Details["elapsedSeconds"]);
        Assert.Equal("inventory", report.Details["expectedFrom"]);
    }

    [Fact]
    public void A_sub_second_task_that_takes_a_few_seconds_does_not_fire()
    {
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>()), Context(Spec("d-0", "mDiffFit", expectedSeconds: 0.1)));
        var running = Task("d-0", "mDiffFit", TaskPhase.Running, bench.Time.GetUtcNow());

        bench.Tick(TimeSpan.Zero, running);

        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(25), running)); // 250× its expected, but only 25 s
    }

    [Fact]
    public void A_new_attempt_is_a_new_episode()
    {
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>(o => o.MinimumExcess = TimeSpan.Zero)), Context(Spec("t", "x", 10)));
        var first = Task("t", "x", TaskPhase.Running, bench.Time.GetUtcNow(), attempt: 1);
        bench.Tick(TimeSpan.Zero, first);
        Assert.Single(bench.Tick(TimeSpan.FromSeconds(31), first));

        var second = Task("t", "x", TaskPhase.Running, bench.Time.GetUtcNow(), attempt: 2);
        Assert.Empty(bench.Tick(TimeSpan.Zero, second));
        Assert.Equal("2", Assert.Single(bench.Tick(TimeSpan.FromSeconds(31), second)).Details["attempt"]);
    }

    [Fact]
    public void Without_an_expected_duration_the_median_of_finished_tasks_of_the_type_is_used()
    {
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>(o => o.MinimumExcess = TimeSpan.Zero)), Context());
        var t0 = bench.Time.GetUtcNow();
        TaskObservation Done(string n, double seconds) => new()
        {
            Name = n, TaskType = "x", Phase = TaskPhase.Succeeded, StartedAt = t0, FinishedAt = t0 + TimeSpan.FromSeconds(seconds), Attempt = 1,
        };
        var slow = Task("slow", "x", TaskPhase.Running, t0);

        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(40), slow, Done("a", 8), Done("b", 10))); // 2 samples: not enough
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), slow, Done("a", 8), Done("b", 10), Done("c", 12)));
        Assert.Equal("median", report.Details["expectedFrom"]);
        Assert.Equal("10", report.Details["expectedSeconds"]);
    }

    [Fact]
    public void A_task_that_finishes_or_vanishes_is_no_longer_watched()
    {
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>(o => o.MinimumExcess = TimeSpan.Zero)), Context(Spec("t", "x", 10), Spec("u", "x", 10)));
        var t0 = bench.Time.GetUtcNow();
        bench.Tick(TimeSpan.Zero, Task("t", "x", TaskPhase.Running, t0), Task("u", "x", TaskPhase.Running, t0));

        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(100), Task("t", "x", TaskPhase.Succeeded, t0)));
    }

    [Fact]
    public void The_multiplier_bound_from_configuration_decides_when_a_task_is_a_straggler()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ExecutionSentinel:Detectors:Straggler:Multiplier"] = "10",
        }).Build();
        using var provider = new ServiceCollection().AddExecutionSentinel(configuration.GetSection(SentinelOptions.SectionName)).Services.BuildServiceProvider();
        var bench = new DetectorBench(
            new StragglerDetector(provider.GetRequiredService<IOptionsMonitor<StragglerDetectorOptions>>()), Context(Spec("s-0", "sifting", expectedSeconds: 45)));
        var running = Task("s-0", "sifting", TaskPhase.Running, bench.Time.GetUtcNow());

        Assert.Empty(bench.Tick(TimeSpan.Zero, running));
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(196), running)); // past 3 × 45 + 60, the default's threshold
        Assert.Empty(bench.Tick(TimeSpan.FromSeconds(314), running)); // exactly 10 × 45 + 60
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(1), running));

        Assert.Equal("10", report.Details["multiplier"]);
    }
}
