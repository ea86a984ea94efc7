using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Checkpoints deliver at least once: a report counts as said only once the consumer has taken it, and two distinct
/// episodes of the same kind never share an identity.
/// </summary>
public sealed class CheckpointDeliveryTests
{
    [Fact]
    public async Task A_report_the_consumer_never_took_is_said_again_after_a_crash()
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var victim = trace.Tasks.First(t => t.Category == "individuals");
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var options = new SimulatedClusterOptions { ParallelSlots = 8 };
        options.Faults.Add(SimulatedFault.OomKill(victim.Name));
        var cluster = new SimulatedCluster(trace, time, options);
        var store = new MemoryCheckpointStore();

        // The conductor receives the OOM kill and dies before it has shown it (it never asks for the next report).
        var before = await WatchUntilAsync(cluster, time, store, r => r.Kind == ReportKind.OomKill);
        Assert.Equal(ReportKind.OomKill, before[^1].Kind);
        var after = await WatchUntilAsync(cluster, time, store, r => r.IsTerminal);

        Assert.Single(after, r => r.Kind == ReportKind.OomKill && r.TaskName == victim.Name);
        Assert.Contains(before, r => r.Kind == ReportKind.PhaseStarted && r.TaskType == "individuals");
        Assert.DoesNotContain(after, r => r.Kind == ReportKind.PhaseStarted && r.TaskType == "individuals"); // taken, so not repeated
    }

    [Fact]
    public async Task Two_hangs_of_the_same_level_in_one_watch_are_both_said_with_checkpoints_on()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var probe = new TwoHangsProbe(time);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddExecutionSentinel()
            .ConfigureDetector<HangDetectorOptions>(o => o.Threshold = TimeSpan.FromMinutes(2))
            .ConfigureDetector<StallDetectorOptions>(o => o.Timeout = TimeSpan.FromHours(1))
            .UseClusterProbe(_ => probe)
            .AddWatchdog()
            .UseCheckpoints(new MemoryCheckpointStore());
        await using var provider = services.BuildServiceProvider();

        var reports = await Drive.ToEndAsync(provider.GetRequiredService<ISentinel>().WatchAsync(TwoHangsProbe.Context), time);

        var low = reports.Where(r => r.Kind == WatchdogReportKinds.WorkflowHung && r.Details["level"] == "LOW").ToList();
        Assert.Equal(2, low.Count);
        Assert.True(low[1].Timestamp - low[0].Timestamp >= TimeSpan.FromMinutes(4));
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
    }

    private static async Task<List<SentinelReport>> WatchUntilAsync(SimulatedCluster cluster, FakeTimeProvider time, ICheckpointStore store, Func<SentinelReport, bool> last)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddExecutionSentinel(o => o.WatchTimeout = TimeSpan.FromHours(2)).UseSimulatedCluster(cluster).UseCheckpoints(store);
        var provider = services.BuildServiceProvider();
        var reports = new List<SentinelReport>();

        // Never disposed on purpose: a crashed conductor runs no finally blocks.
        var enumerator = provider.GetRequiredService<ISentinel>().WatchAsync(cluster.CreateContext()).GetAsyncEnumerator();
        while (true)
        {
            var move = enumerator.MoveNextAsync().AsTask();
            while (!move.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Yield();
            }

            if (!await move)
            {
                return reports;
            }

            reports.Add(enumerator.Current);
            if (last(enumerator.Current))
            {
                return reports;
            }
        }
    }

    /// <summary>
    /// Task a runs from the start, unchanged (a first hang); at 5 min task b starts (the workflow moved), then nothing
    /// changes again (a second hang); at 10 min both have finished and the engine signals.
    /// </summary>
    private sealed class TwoHangsProbe(FakeTimeProvider time) : IClusterProbe, IClusterProbeSession
    {
        public static readonly MonitoringContext Context = new()
        {
            Namespace = "wf",
            EnginePodName = "hyperflow-engine-0",
            // Past due after 30 s: a task within its expected duration is never called hung.
            TaskInventory =
            [
                new TaskSpec { Name = "a", TaskType = "t", DagOrder = 0, ExpectedDuration = TimeSpan.FromSeconds(30) },
                new TaskSpec { Name = "b", TaskType = "t", DagOrder = 0, ExpectedDuration = TimeSpan.FromSeconds(30) },
            ],
        };

        private readonly DateTimeOffset _start = time.GetUtcNow();
        private readonly TaskObservation _a = new() { Name = "a", TaskType = "t", Phase = TaskPhase.Running, Attempt = 1, StartedAt = time.GetUtcNow() };
        private TaskObservation? _b;

        public ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken) => ValueTask.FromResult<IClusterProbeSession>(this);

        public ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
        {
            var elapsed = time.GetUtcNow() - _start;
            if (elapsed >= TimeSpan.FromMinutes(10))
            {
                var end = _start + TimeSpan.FromMinutes(10);
                return ValueTask.FromResult(new ClusterObservation
                {
                    Tasks = [_a with { Phase = TaskPhase.Succeeded, FinishedAt = end }, _b! with { Phase = TaskPhase.Succeeded, FinishedAt = end }],
                    EngineSignal = EngineSignal.FromExitCode(0),
                });
            }

            if (elapsed >= TimeSpan.FromMinutes(5))
            {
                _b ??= new TaskObservation { Name = "b", TaskType = "t", Phase = TaskPhase.Running, Attempt = 1, StartedAt = time.GetUtcNow() };
                return ValueTask.FromResult(new ClusterObservation { Tasks = [_a, _b] });
            }

            return ValueTask.FromResult(new ClusterObservation { Tasks = [_a] });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
