using System.Text;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Simulation;

public sealed class SimulatedClusterTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled();

    [Fact]
    public void The_schedule_respects_the_DAG_the_slots_and_the_trace_runtimes()
    {
        var time = new FakeTimeProvider();
        var cluster = new SimulatedCluster(Trace, time, new SimulatedClusterOptions { ParallelSlots = 4 });
        var timelines = cluster.Timelines;

        Assert.Equal(Trace.Tasks.Count, timelines.Count);
        foreach (var task in Trace.Tasks)
        {
            var timeline = timelines[task.Name];
            Assert.Equal(task.Runtime, timeline.FinishedAt!.Value - timeline.StartedAt);
            foreach (var parent in task.Parents)
            {
                Assert.True(timeline.CreatedAt >= timelines[parent].FinishedAt, $"{task.Name} started before its parent {parent} finished.");
            }
        }

        var instants = timelines.Values.Select(t => t.CreatedAt).ToArray();
        Assert.All(instants, at => Assert.True(timelines.Values.Count(t => t.CreatedAt <= at && t.FinishedAt > at) <= 4));
        Assert.Equal(timelines.Values.Max(t => t.FinishedAt)!.Value + TimeSpan.FromSeconds(5), cluster.EngineSignalsAt);
        Assert.Equal(0, cluster.EngineExitCode);
    }

    [Fact]
    public async Task Observations_follow_time_and_finished_objects_vanish_after_their_ttl()
    {
        var time = new FakeTimeProvider();
        var cluster = new SimulatedCluster(Trace, time, new SimulatedClusterOptions { DeleteFinishedAfter = TimeSpan.FromSeconds(100) });
        await using var session = await cluster.AttachAsync(cluster.CreateContext(), CancellationToken.None);
        var first = cluster.Timelines.Values.OrderBy(t => t.FinishedAt).First();

        var atStart = await session.ObserveAsync(CancellationToken.None);
        Assert.All(atStart.Tasks, t => Assert.Equal(TaskPhase.Pending, t.Phase));
        Assert.Null(atStart.EngineSignal);

        time.SetUtcNow(first.FinishedAt!.Value);
        var finished = (await session.ObserveAsync(CancellationToken.None)).Tasks.Single(t => t.Name == first.Task.Name);
        Assert.Equal(TaskPhase.Succeeded, finished.Phase);
        Assert.Equal("Completed", Assert.Single(finished.Terminations).Reason);
        Assert.Same(finished, (await session.ObserveAsync(CancellationToken.None)).Tasks.Single(t => t.Name == first.Task.Name));

        time.SetUtcNow(first.FinishedAt.Value + TimeSpan.FromSeconds(100));
        Assert.DoesNotContain((await session.ObserveAsync(CancellationToken.None)).Tasks, t => t.Name == first.Task.Name);

        time.SetUtcNow(cluster.EngineSignalsAt!.Value);
        Assert.Equal(0, (await session.ObserveAsync(CancellationToken.None)).EngineSignal!.ExitCode);
    }

    [Fact]
    public void Faults_shape_attempts_and_keep_the_engine_from_signalling_when_a_task_hangs()
    {
        var time = new FakeTimeProvider();
        var individuals = Trace.Tasks.Where(t => t.Category == "individuals").ToArray();
        var options = new SimulatedClusterOptions
        {
            Faults =
            {
                SimulatedFault.OomKill(individuals[0].Name, attempts: 2),
                SimulatedFault.Evict(individuals[1].Name),
                SimulatedFault.Straggle(individuals[2].Name, 5),
                SimulatedFault.Hang(individuals[3].Name),
            },
        };

        var cluster = new SimulatedCluster(Trace, time, options);

        Assert.Equal(3, cluster.Timelines[individuals[0].Name].AttemptCount);
        Assert.True(cluster.Timelines[individuals[0].Name].Succeeded);
        Assert.Equal(2, cluster.Timelines[individuals[1].Name].AttemptCount);
        var straggler = cluster.Timelines[individuals[2].Name];
        Assert.Equal(individuals[2].Runtime * 5, straggler.FinishedAt!.Value - straggler.StartedAt);
        Assert.Null(cluster.Timelines[individuals[3].Name].FinishedAt);
        Assert.Null(cluster.EngineSignalsAt);
    }

    [Fact]
    public void A_fault_naming_an_unknown_task_is_refused_with_every_problem()
    {
        var options = new SimulatedClusterOptions { ParallelSlots = 0, Faults = { SimulatedFault.Hang("nope"), SimulatedFault.Straggle("nope-either", 0.5) } };

        var error = Assert.Throws<ArgumentException>(() => new SimulatedCluster(Trace, new FakeTimeProvider(), options));

        Assert.Contains("ParallelSlots must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Faults[0] (HangFault) names task 'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Faults[1]: a straggler's factor must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_trace_is_refused_with_its_position_or_every_problem()
    {
        var malformed = Assert.Throws<InvalidDataException>(() => WorkflowTrace.Parse(new MemoryStream(Encoding.UTF8.GetBytes("{\"tasks\": [ {\"name\": }")), "bad"));
        Assert.Contains("line 1", malformed.Message, StringComparison.Ordinal);

        var invalid = Assert.Throws<InvalidDataException>(() => WorkflowTrace.Parse(new MemoryStream(Encoding.UTF8.GetBytes(
            """{"tasks": [{"name": "a", "category": "x", "runtimeSeconds": -1}, {"name": "b", "category": "x", "runtimeSeconds": 1, "parents": ["zz"]}]}""")), "bad"));
        Assert.Contains("tasks[0] ('a'): runtimeSeconds", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("Task 'b' names unknown parent 'zz'", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_accelerated_clock_runs_faster_than_the_real_one()
    {
        var real = new FakeTimeProvider();
        var fast = new AcceleratedTimeProvider(60, real);
        var start = fast.GetUtcNow();

        real.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromMinutes(2), fast.GetUtcNow() - start);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AcceleratedTimeProvider(0));
    }
}
