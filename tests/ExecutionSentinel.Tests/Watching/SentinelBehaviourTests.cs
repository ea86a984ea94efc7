using System.Runtime.CompilerServices;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>How the watch behaves around its consumer, its detectors and its probe.</summary>
public sealed class SentinelBehaviourTests
{
    private static readonly WorkflowTrace Trace = WorkflowTrace.LoadBundled();

    [Fact]
    public async Task A_throwing_detector_yields_one_fault_report_and_the_watch_goes_on()
    {
        using var harness = new SentinelHarness(Trace, builder: b => b.AddDetector<ThrowingDetector>());

        var reports = await harness.RunAsync();

        var fault = Assert.Single(reports, r => r.Kind == ReportKind.DetectorFault);
        Assert.Equal("throwing", fault.Details["detector"]);
        Assert.Contains("boom", fault.Message, StringComparison.Ordinal);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(Trace.Tasks.Count, reports[^1].Summary!.CompletedTasks);
        Assert.Contains(reports, r => r.Kind == ReportKind.Progress);
    }

    [Fact]
    public async Task A_slow_consumer_slows_the_watch_and_loses_no_report()
    {
        using var fast = new SentinelHarness(Trace);
        using var slow = new SentinelHarness(Trace);
        var expected = await fast.RunAsync();

        // The slow consumer spends 30 simulated seconds on every report before asking for the next.
        var reports = await Drive.ToEndAsync(slow.Sentinel.WatchAsync(slow.Context()), slow.Time, _ =>
        {
            slow.Time.Advance(TimeSpan.FromSeconds(30));
            return Task.CompletedTask;
        });

        var terminal = reports[^1];
        Assert.Equal(ReportKind.Completed, terminal.Kind);
        Assert.Equal(expected[^1].Summary!.CompletedTasks, terminal.Summary!.CompletedTasks);
        Assert.Single(reports, r => r.IsTerminal);
        Assert.Equal(
            expected.Where(r => r.Kind == ReportKind.PhaseCompleted).Select(r => r.TaskType),
            reports.Where(r => r.Kind == ReportKind.PhaseCompleted).Select(r => r.TaskType));
        Assert.Equal(Trace.Tasks.Count, reports.Where(r => r.Kind == ReportKind.Progress).Max(r => r.Progress.Completed));
    }

    [Fact]
    public async Task Cancellation_mid_watch_ends_the_stream_promptly_with_OperationCanceledException()
    {
        using var harness = new SentinelHarness(Trace);
        using var cts = new CancellationTokenSource();
        var seen = 0;

        var watch = Drive.ToEndAsync(harness.Sentinel.WatchAsync(harness.Context(), cts.Token), harness.Time, r =>
        {
            if (++seen == 3)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        Assert.Equal(3, seen);
    }

    [Fact]
    public async Task Cancelling_while_the_watch_waits_between_ticks_ends_it_without_advancing_time()
    {
        using var harness = new SentinelHarness(Trace);
        using var cts = new CancellationTokenSource();
        await using var enumerator = harness.Sentinel.WatchAsync(harness.Context(), cts.Token).GetAsyncEnumerator();
        ValueTask<bool> move;
        do
        {
            move = enumerator.MoveNextAsync();
        }
        while (move.IsCompleted && await move);

        Assert.False(move.IsCompleted); // Waiting for the next tick on fake time.
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await move);
    }

    [Fact]
    public async Task Two_workflows_are_watched_at_once_from_one_sentinel()
    {
        var other = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        using var harness = new SentinelHarness(Trace);
        var otherCluster = new SimulatedCluster(other, harness.Time);
        var probe = new RoutingProbe(harness.Cluster, otherCluster);
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(harness.Time)
            .AddExecutionSentinel()
            .UseClusterProbe(_ => probe)
            .Services;
        await using var provider = services.BuildServiceProvider();
        var sentinel = provider.GetRequiredService<ISentinel>();

        var first = sentinel.WatchAsync(harness.Cluster.CreateContext() with { Namespace = "wf-a" });
        var second = sentinel.WatchAsync(otherCluster.CreateContext() with { Namespace = "wf-b" });
        var both = await Drive.ToEndAsync(Merge(first, second), harness.Time);

        var terminals = both.Where(r => r.IsTerminal).ToList();
        Assert.Equal(2, terminals.Count);
        Assert.Contains(terminals, t => t.Summary!.TotalTasks == Trace.Tasks.Count && t.Summary.CompletedTasks == Trace.Tasks.Count);
        Assert.Contains(terminals, t => t.Summary!.TotalTasks == other.Tasks.Count && t.Summary.CompletedTasks == other.Tasks.Count);
    }

    [Fact]
    public async Task A_probe_that_fails_to_attach_counts_as_lost_connectivity_and_is_retried()
    {
        var probe = Substitute.For<IClusterProbe>();
        using var harness = new SentinelHarness(Trace, sentinel: o => o.WatchTimeout = TimeSpan.FromMinutes(2), builder: b => b.UseClusterProbe(_ => probe));
        var calls = 0;
        probe.AttachAsync(Arg.Any<MonitoringContext>(), Arg.Any<CancellationToken>())
            .Returns(_ => ++calls <= 4
                ? ValueTask.FromException<IClusterProbeSession>(new HttpRequestException("connection refused"))
                : harness.Cluster.AttachAsync(harness.Context(), CancellationToken.None));

        var reports = await harness.RunAsync();

        var lost = Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityLost);
        Assert.Contains("connection refused", lost.Message, StringComparison.Ordinal);
        Assert.Equal("3", lost.Details["consecutiveFailures"]);
        Assert.Single(reports, r => r.Kind == ReportKind.ConnectivityRestored);
        Assert.True(reports.IndexOf(lost) < reports.FindIndex(r => r.Kind == ReportKind.ConnectivityRestored));
    }

    [Fact]
    public async Task An_unreadable_signal_is_a_warning_once_and_the_watch_waits_for_a_valid_one()
    {
        var session = Substitute.For<IClusterProbeSession>();
        var probe = Substitute.For<IClusterProbe>();
        probe.AttachAsync(default!, default).ReturnsForAnyArgs(ValueTask.FromResult(session));
        var tick = 0;
        session.ObserveAsync(default).ReturnsForAnyArgs(_ => ValueTask.FromResult(new ClusterObservation
        {
            Tasks = [],
            EngineSignal = ++tick < 4 ? EngineSignal.Parse("garbage\n") : EngineSignal.Parse("0\n"),
        }));
        using var harness = new SentinelHarness(Trace, builder: b => b.UseClusterProbe(_ => probe));

        var reports = await harness.RunAsync();

        var warning = Assert.Single(reports, r => r.Kind == ReportKind.SignalUnreadable);
        Assert.Equal("garbage", warning.Details["raw"]);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(0, reports[^1].Summary!.ExitCode);
        await session.Received(1).DisposeAsync();
    }

    [Fact]
    public async Task Mass_failure_can_be_set_to_end_the_watch_as_failed()
    {
        var victims = Trace.Tasks.Where(t => t.Category == "individuals").Take(20).Select(t => SimulatedFault.Fail(t.Name));
        using var harness = new SentinelHarness(
            Trace,
            cluster: c => { foreach (var v in victims) { c.Faults.Add(v); } },
            builder: b => b.ConfigureDetector<MassFailureDetectorOptions>(o => o.StopWatch = true));

        var reports = await harness.RunAsync();

        Assert.Equal(ReportKind.MassFailure, reports[^2].Kind);
        Assert.Equal(ReportKind.Failed, reports[^1].Kind);
        Assert.Null(reports[^1].Summary!.ExitCode);
        Assert.Equal(WatchOutcome.Failed, reports[^1].Summary!.Outcome);
    }

    private static async IAsyncEnumerable<SentinelReport> Merge(
        IAsyncEnumerable<SentinelReport> first,
        IAsyncEnumerable<SentinelReport> second,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var a = first.GetAsyncEnumerator(cancellationToken);
        await using var b = second.GetAsyncEnumerator(cancellationToken);
        var pending = new Dictionary<Task<bool>, IAsyncEnumerator<SentinelReport>>
        {
            [a.MoveNextAsync().AsTask()] = a,
            [b.MoveNextAsync().AsTask()] = b,
        };
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending.Keys);
            var source = pending[done];
            pending.Remove(done);
            if (await done)
            {
                yield return source.Current;
                pending[source.MoveNextAsync().AsTask()] = source;
            }
        }
    }

    private sealed class ThrowingDetector : IAnomalyDetector
    {
        public string Name => "throwing";

        public IEnumerable<SentinelReport> Detect(DetectionContext context)
        {
            if (context.Progress.Completed > 0)
            {
                throw new InvalidOperationException("boom");
            }

            return [];
        }
    }

    private sealed class RoutingProbe(SimulatedCluster a, SimulatedCluster b) : IClusterProbe
    {
        public ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken) =>
            (context.Namespace == "wf-a" ? a : b).AttachAsync(context, cancellationToken);
    }
}
