using ExecutionSentinel.Detectors;
using ExecutionSentinel.History;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using static ExecutionSentinel.Testing.DetectorBench;
using static ExecutionSentinel.Tests.Support.TestOptions;

namespace ExecutionSentinel.Tests.Detectors;

/// <summary>
/// The straggler rule with expectations learned from earlier runs, judged on Flow-Bench's real runs: the traps of issue 14
/// (a transformation fed inputs of several sizes, transfer jobs sharing one type, very short tasks, drift).
/// </summary>
public sealed class StragglerHistoryTests
{
    private static readonly DateTimeOffset Learned = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Node_history_wins_over_type_history_where_one_transformation_mixes_input_sizes()
    {
        // predict-future-sales: 69 xgboost_hp_tuning nodes per run; some take ~590 s where the transformation's median is 60 s.
        var normal = FlowBench.Runs("predict-future-sales").Where(r => r.IsNormal).ToArray();
        var history = DurationBaselines.FromRuns("pfs", normal.Take(20).Select(r => r.Durations(Learned)));
        var judged = normal.Skip(20).ToArray();

        var typesOnly = new DurationBaselines { WorkflowName = "pfs", Runs = history.Runs, Types = history.Types };
        var byNode = judged.Select(r => (Run: r, Flagged: Flagged(history, r))).Where(r => r.Flagged.Count > 0).ToArray();
        var byTypeOnly = judged.Count(r => Flagged(typesOnly, r).Count > 0);

        // The trap is real: by type alone most healthy runs are flagged (xgboost nodes of ~590 s against the type's 60 s).
        Assert.True(byTypeOnly >= judged.Length / 2, $"{byTypeOnly} of {judged.Length} healthy runs flagged by type history");

        // By node, only the rare healthy job that took more than four times its own node's median (182 s against ~40 s, once
        // in 100 runs per node) is flagged: what a runtime rule cannot tell from a fault (docs/history.md).
        Assert.True(byNode.Length <= 3, $"{byNode.Length} healthy runs flagged by node history");
        foreach (var (run, flagged) in byNode)
        {
            foreach (var (node, _, _) in flagged)
            {
                var runtime = run.Jobs.Single(j => j.Node == node).Runtime;
                Assert.True(runtime > 4 * history.Nodes[node].Median.TotalSeconds, $"{node}: {runtime} s");
            }
        }
    }

    [Fact]
    public void Transfer_jobs_sharing_one_type_stay_quiet_by_node_and_by_type()
    {
        // casa-wind-full: 15 pegasus::transfer nodes per run, most ~5 s, a few ~34 s: one wide type.
        var normal = FlowBench.Runs("casa-wind-full").Where(r => r.IsNormal).ToArray();
        var history = DurationBaselines.FromRuns("casa", normal.Take(20).Select(r => r.Durations(Learned)));
        var typesOnly = new DurationBaselines { WorkflowName = "casa", Runs = history.Runs, Types = history.Types };
        var transfer = history.Types["pegasus::transfer"];
        Assert.True(transfer.HighQuantile >= transfer.Median * 5, "the type is wide: " + transfer.Median + " / " + transfer.HighQuantile);

        foreach (var run in normal.Skip(20))
        {
            Assert.Empty(Flagged(history, run));
            Assert.Empty(Flagged(typesOnly, run)); // by type: 5 s × 3 + 60 s is above the slowest transfer (44 s)
        }
    }

    [Fact]
    public void A_very_short_task_several_times_its_history_is_not_a_straggler_below_the_minimum_excess()
    {
        var normal = FlowBench.Runs("casa-wind-full").Where(r => r.IsNormal).Take(20).ToArray();
        var history = DurationBaselines.FromRuns("casa", normal.Select(r => r.Durations(Learned)));
        var (node, baseline) = history.Nodes.Where(n => n.Value.Median <= TimeSpan.FromSeconds(5)).OrderBy(n => n.Key, StringComparer.Ordinal).First();
        var slow = baseline.HighQuantile * 6; // far past 3× its median and its 95th percentile, but seconds only
        var run = new BenchRun("short", "normal", [new BenchJob(node, "t", slow.TotalSeconds, Anomalous: false)]);

        Assert.Empty(Flagged(history, run));
        Assert.Single(Flagged(history, run, o => o.MinimumExcess = TimeSpan.Zero));
    }

    [Fact]
    public async Task A_window_of_recent_runs_follows_a_workflow_whose_tasks_grow()
    {
        // Real healthy runs, each 5 % slower than the one before (an input that grows run by run).
        var normal = FlowBench.Runs("predict-future-sales").Where(r => r.IsNormal).ToArray();
        RunDurations Grown(int k) => Scaled(normal[k % normal.Length], Math.Pow(1.05, k));
        var windowed = new MemoryDurationBaselineStore(maxRuns: 20);
        var everything = new MemoryDurationBaselineStore(maxRuns: 1000);
        for (var k = 0; k < 60; k++)
        {
            await windowed.RecordAsync("pfs", Grown(k), default);
            await everything.RecordAsync("pfs", Grown(k), default);
        }

        var next = Grown(60);
        var judged = new BenchRun("next", "normal", [.. next.Tasks.Select(t => new BenchJob(t.Name, t.TaskType, t.Duration.TotalSeconds, false))]);

        Assert.Empty(Flagged(await windowed.LoadAsync("pfs", default), judged));
        Assert.NotEmpty(Flagged(await everything.LoadAsync("pfs", default), judged)); // a history that never forgets calls growth a fault
    }

    [Fact]
    public void The_report_says_where_its_expectation_came_from_and_on_how_many_samples()
    {
        var node = new DurationBaseline { Count = 12, Median = TimeSpan.FromSeconds(100), HighQuantile = TimeSpan.FromSeconds(120) };
        var type = new DurationBaseline { Count = 345, Median = TimeSpan.FromSeconds(10), HighQuantile = TimeSpan.FromSeconds(30) };
        var history = new DurationBaselines
        {
            WorkflowName = "wf",
            Runs = 12,
            Nodes = new Dictionary<string, DurationBaseline> { ["a-1"] = node },
            Types = new Dictionary<string, DurationBaseline> { ["a"] = type },
        };

        var byNode = Assert.Single(Flagged(history, new BenchRun("r", "normal", [new BenchJob("a-1", "a", 500, false)]), reports: true)).Report!;
        var byType = Assert.Single(Flagged(history, new BenchRun("r", "normal", [new BenchJob("a-2", "a", 500, false)]), reports: true)).Report!;

        Assert.Equal("node-history", byNode.Details["expectedFrom"]);
        Assert.Equal("12", byNode.Details["samples"]);
        Assert.Equal("100", byNode.Details["expectedSeconds"]);
        Assert.Equal("360", byNode.Details["thresholdSeconds"]); // 3 × 100 + 60
        Assert.Contains("median of task 'a-1' over 12 earlier run(s)", byNode.Message, StringComparison.Ordinal);
        Assert.Equal("type-history", byType.Details["expectedFrom"]);
        Assert.Equal("345", byType.Details["samples"]);
        Assert.Equal("90", byType.Details["thresholdSeconds"]); // max(3 × 10, 30) + 60
        Assert.Contains("median of 345 'a' tasks in 12 earlier run(s)", byType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_inventory_wins_over_history_and_too_few_samples_fall_back_to_the_next_source()
    {
        var thin = new DurationBaseline { Count = 2, Median = TimeSpan.FromSeconds(20), HighQuantile = TimeSpan.FromSeconds(20) };
        var type = new DurationBaseline { Count = 3, Median = TimeSpan.FromSeconds(10), HighQuantile = TimeSpan.FromSeconds(10) };
        var history = new DurationBaselines
        {
            WorkflowName = "wf",
            Runs = 3,
            Nodes = new Dictionary<string, DurationBaseline> { ["a-1"] = thin, ["a-2"] = type },
            Types = new Dictionary<string, DurationBaseline> { ["a"] = type },
        };
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>()), Context(Spec("a-2", "a", expectedSeconds: 1000)));
        bench.UseBaselines(history);
        var t0 = bench.Time.GetUtcNow();

        bench.Tick(TimeSpan.Zero, Task("a-1", "a", TaskPhase.Running, t0), Task("a-2", "a", TaskPhase.Running, t0));
        var report = Assert.Single(bench.Tick(TimeSpan.FromSeconds(91), Task("a-1", "a", TaskPhase.Running, t0), Task("a-2", "a", TaskPhase.Running, t0)));

        Assert.Equal("a-1", report.TaskName); // a-1: 2 node samples are too few → its type's 3 (3 × 10 + 60 = 90 s); a-2: the inventory's 1000 s
        Assert.Equal("type-history", report.Details["expectedFrom"]);
    }

    [Fact]
    public void A_task_with_too_few_runs_of_its_own_is_never_called_slow_for_taking_what_it_took_before()
    {
        var once = new DurationBaseline { Count = 1, Median = TimeSpan.FromSeconds(500), HighQuantile = TimeSpan.FromSeconds(500) };
        var type = new DurationBaseline { Count = 40, Median = TimeSpan.FromSeconds(10), HighQuantile = TimeSpan.FromSeconds(12) };
        var history = new DurationBaselines
        {
            WorkflowName = "wf",
            Runs = 1,
            Nodes = new Dictionary<string, DurationBaseline> { ["long"] = once },
            Types = new Dictionary<string, DurationBaseline> { ["a"] = type },
        };
        var bench = new DetectorBench(new StragglerDetector(Monitor<StragglerDetectorOptions>()), Context());
        bench.UseBaselines(history);
        var t0 = bench.Time.GetUtcNow();

        bench.Tick(TimeSpan.Zero, Task("long", "a", TaskPhase.Running, t0), Task("new", "a", TaskPhase.Running, t0));
        var early = bench.Tick(TimeSpan.FromSeconds(91), Task("long", "a", TaskPhase.Running, t0), Task("new", "a", TaskPhase.Running, t0));
        var late = bench.Tick(TimeSpan.FromSeconds(470), Task("long", "a", TaskPhase.Running, t0));

        Assert.Equal("new", Assert.Single(early).TaskName); // no run of its own: its type's 3 × 10 + 60 = 90 s
        var report = Assert.Single(late); // 561 s: past the 500 s it took before, plus the minimum excess
        Assert.Equal("long", report.TaskName);
        Assert.Equal("type-history", report.Details["expectedFrom"]);
        Assert.Equal("560", report.Details["thresholdSeconds"]);
    }

    private static RunDurations Scaled(BenchRun run, double factor) => new()
    {
        EndedAt = Learned,
        Outcome = WatchOutcome.Completed,
        Tasks = [.. run.Jobs.Select(j => new TaskDuration { Name = j.Node, TaskType = j.Transformation, Duration = TimeSpan.FromSeconds(j.Runtime * factor) })],
    };

    /// <summary>
    /// Replays one run's jobs through the detector, all started together, each seen running until its runtime and finished
    /// after: the jobs reported while still running are those the rule flags.
    /// </summary>
    private static List<(string Node, string Transformation, SentinelReport? Report)> Flagged(
        DurationBaselines history, BenchRun run, Action<StragglerDetectorOptions>? options = null, bool reports = false)
    {
        var bench = new DetectorBench(new StragglerDetector(Monitor(options)), Context());
        bench.UseBaselines(history);
        var t0 = bench.Time.GetUtcNow();
        var flagged = new List<(string, string, SentinelReport?)>();
        var jobs = run.Jobs.Select((j, i) => (Job: j, Name: j.Node)).ToArray();
        var now = TimeSpan.Zero;
        foreach (var at in jobs.Select(j => TimeSpan.FromSeconds(j.Job.Runtime)).Distinct().Order().Prepend(TimeSpan.Zero).Distinct())
        {
            var tasks = jobs.Select(j => TimeSpan.FromSeconds(j.Job.Runtime) >= at
                ? Task(j.Name, j.Job.Transformation, TaskPhase.Running, t0)
                : new TaskObservation { Name = j.Name, TaskType = j.Job.Transformation, Phase = TaskPhase.Succeeded, StartedAt = t0, FinishedAt = t0 + TimeSpan.FromSeconds(j.Job.Runtime), Attempt = 1 }).ToArray();
            foreach (var report in bench.Tick(at - now, tasks))
            {
                flagged.Add((report.TaskName!, report.TaskType!, reports ? report : null));
            }

            now = at;
        }

        return flagged;
    }
}
