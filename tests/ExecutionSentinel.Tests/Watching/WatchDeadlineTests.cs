using System.Diagnostics;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>Every wait has a deadline the loop owns: a probe call that never returns (and ignores its token) stops nothing.</summary>
public sealed class WatchDeadlineTests
{
    private static readonly MonitoringContext Context = new()
    {
        Namespace = "wf",
        EnginePodName = "hyperflow-engine-0",
        TaskInventory = [new TaskSpec { Name = "a", TaskType = "t", DagOrder = 0 }],
    };

    [Fact]
    public async Task An_observation_that_never_returns_counts_as_failed_and_the_watch_ends_by_its_timeout()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        await using var provider = Build(time, new StuckProbe(stuckAttach: false));

        var reports = await Drive.ToEndAsync(provider.GetRequiredService<ISentinel>().WatchAsync(Context), time);

        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        var end = reports[^1];
        Assert.Equal(ReportKind.TimedOut, end.Kind);
        Assert.InRange(end.Timestamp - SentinelHarness.Epoch, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task An_attach_that_never_returns_counts_as_failed_and_the_watch_ends_by_its_timeout()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        await using var provider = Build(time, new StuckProbe(stuckAttach: true));

        var reports = await Drive.ToEndAsync(provider.GetRequiredService<ISentinel>().WatchAsync(Context), time);

        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
    }

    [Fact]
    public async Task The_consumers_cancellation_ends_a_stuck_observation_within_two_seconds()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var probe = new StuckProbe(stuckAttach: false);
        await using var provider = Build(time, probe);
        using var cancel = new CancellationTokenSource();
        var enumerator = provider.GetRequiredService<ISentinel>().WatchAsync(Context, cancel.Token).GetAsyncEnumerator();
        var move = enumerator.MoveNextAsync().AsTask();
        await probe.Observing.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the watch is inside the stuck call

        var watch = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => move.WaitAsync(TimeSpan.FromSeconds(10)));
        await enumerator.DisposeAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    private static ServiceProvider Build(FakeTimeProvider time, StuckProbe probe)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddExecutionSentinel(o =>
            {
                o.WatchTimeout = TimeSpan.FromMinutes(5);
                o.ObservationTimeout = TimeSpan.FromSeconds(30);
            })
            .UseClusterProbe(_ => probe);
        return services.BuildServiceProvider();
    }

    /// <summary>A probe whose calls never return and ignore their token, like a client stuck on a stalled socket.</summary>
    private sealed class StuckProbe(bool stuckAttach) : IClusterProbe, IClusterProbeSession
    {
        private readonly TaskCompletionSource _never = new();

        public TaskCompletionSource Observing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken)
        {
            if (stuckAttach)
            {
                Observing.TrySetResult();
                await _never.Task;
            }

            return this;
        }

        public async ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
        {
            Observing.TrySetResult();
            await _never.Task;
            throw new UnreachableException();
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
