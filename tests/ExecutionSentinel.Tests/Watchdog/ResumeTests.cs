using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>A conductor that crashes mid-watch and watches again from its checkpoint: no anomaly twice, none lost across the gap.</summary>
public sealed class ResumeTests
{
    [Fact]
    public async Task A_watch_killed_mid_run_and_resumed_repeats_nothing_and_loses_nothing()
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var early = trace.Tasks.Where(t => t.Category == "individuals").Take(2).ToList();
        var late = trace.Tasks.First(t => t.Category == "frequency");
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var options = new SimulatedClusterOptions { ParallelSlots = 8, DeleteFinishedAfter = TimeSpan.FromSeconds(100) };
        options.Faults.Add(SimulatedFault.OomKill(early[0].Name));
        options.Faults.Add(SimulatedFault.Evict(early[1].Name));
        options.Faults.Add(SimulatedFault.OomKill(late.Name));
        var cluster = new SimulatedCluster(trace, time, options);
        var directory = new MemoryCheckpointStore();

        var before = await WatchAsync(cluster, time, directory, until: cluster.StartedAt + TimeSpan.FromMinutes(2));
        time.Advance(TimeSpan.FromMinutes(4)); // The conductor is down; the late OOM kill happens now.
        var after = await WatchAsync(cluster, time, directory, until: null);

        Assert.Contains(before, r => r.Kind == ReportKind.OomKill && r.TaskName == early[0].Name);
        Assert.Contains(before, r => r.Kind == ReportKind.PodEvicted && r.TaskName == early[1].Name);
        var all = before.Concat(after).ToList();
        Assert.Single(all, r => r.Kind == ReportKind.OomKill && r.TaskName == early[0].Name);
        Assert.Single(all, r => r.Kind == ReportKind.PodEvicted && r.TaskName == early[1].Name);
        Assert.Single(after, r => r.Kind == ReportKind.OomKill && r.TaskName == late.Name);
        Assert.Equal(
            trace.Tasks.Select(t => t.Category).Distinct().Order(),
            all.Where(r => r.Kind == ReportKind.PhaseStarted).Select(r => r.TaskType!).Order());
        Assert.Equal(ReportKind.Completed, after[^1].Kind);
    }

    [Fact]
    public async Task Without_checkpoints_a_second_watch_says_everything_again()
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var victim = trace.Tasks.First(t => t.Category == "individuals");
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var options = new SimulatedClusterOptions { ParallelSlots = 8 };
        options.Faults.Add(SimulatedFault.OomKill(victim.Name));
        var cluster = new SimulatedCluster(trace, time, options);

        var before = await WatchAsync(cluster, time, directory: null, until: cluster.StartedAt + TimeSpan.FromMinutes(2));
        var after = await WatchAsync(cluster, time, directory: null, until: null);

        Assert.Single(before, r => r.Kind == ReportKind.OomKill);
        Assert.Single(after, r => r.Kind == ReportKind.OomKill); // The control: this is what checkpoints prevent.
    }

    [Fact]
    public async Task A_resumed_watch_reports_tasks_outside_the_inventory_and_skipped_types()
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(trace, time, new SimulatedClusterOptions { ParallelSlots = 8, DeleteFinishedAfter = TimeSpan.FromSeconds(100) });
        var directory = new MemoryCheckpointStore();
        var context = cluster.CreateContext();
        var smaller = context with { TaskInventory = [.. context.TaskInventory.Where(t => t.Name != trace.Tasks.Last(x => x.Category == "frequency").Name)] };

        await WatchAsync(cluster, time, directory, until: cluster.StartedAt + TimeSpan.FromSeconds(30), smaller);
        time.Advance(TimeSpan.FromMinutes(5)); // Down while 'individuals' finish and are deleted by their TTL.
        var after = await WatchAsync(cluster, time, directory, until: null, smaller);

        var findings = after.Where(r => r.Kind == WatchdogReportKinds.ConsistencyFinding).Select(r => r.Details["finding"]).ToList();
        Assert.Contains("tasks-outside-inventory", findings);
        Assert.Contains("types-never-seen", findings);
    }

    [Fact]
    public async Task The_file_store_round_trips_a_checkpoint_and_has_none_for_an_unknown_workflow()
    {
        var store = new FileCheckpointStore(Directory.CreateTempSubdirectory("sentinel-checkpoints").FullName);
        var checkpoint = new WatchCheckpoint { Reported = ["oom-kill|a|individuals|attempt=1"], Progress = new ProgressCounts(3, 1, 2, 10), SavedAt = SentinelHarness.Epoch };

        await store.SaveAsync("wf/hyperflow-engine-0", checkpoint, CancellationToken.None);
        var loaded = await store.LoadAsync("wf/hyperflow-engine-0", CancellationToken.None);

        Assert.Equal(checkpoint.Reported, loaded!.Reported);
        Assert.Equal(checkpoint.Progress, loaded.Progress);
        Assert.Equal(checkpoint.SavedAt, loaded.SavedAt);
        Assert.Null(await store.LoadAsync("other/engine", CancellationToken.None));
    }

    private static async Task<List<SentinelReport>> WatchAsync(
        SimulatedCluster cluster, FakeTimeProvider time, ICheckpointStore? directory, DateTimeOffset? until, MonitoringContext? context = null)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        var builder = services.AddExecutionSentinel(o => o.WatchTimeout = TimeSpan.FromHours(2)).UseSimulatedCluster(cluster).AddWatchdog(); // consistency
        if (directory is not null)
        {
            builder.UseCheckpoints(directory);
        }

        await using var provider = services.BuildServiceProvider();
        using var crash = new CancellationTokenSource();
        var reports = new List<SentinelReport>();
        var enumerator = provider.GetRequiredService<ISentinel>().WatchAsync(context ?? cluster.CreateContext(), crash.Token).GetAsyncEnumerator();
        try
        {
            while (true)
            {
                var move = enumerator.MoveNextAsync().AsTask();
                while (!move.IsCompleted)
                {
                    if (until is { } end && time.GetUtcNow() >= end)
                    {
                        await crash.CancelAsync(); // The conductor dies: no goodbye, no final save.
                    }
                    else
                    {
                        time.Advance(TimeSpan.FromSeconds(1));
                    }

                    await Task.Yield();
                }

                try
                {
                    if (!await move)
                    {
                        return reports;
                    }
                }
                catch (OperationCanceledException)
                {
                    return reports;
                }

                reports.Add(enumerator.Current);
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }
}
