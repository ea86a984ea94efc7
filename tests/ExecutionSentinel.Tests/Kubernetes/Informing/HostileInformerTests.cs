using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Informing;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Observability;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;
using static ExecutionSentinel.Tests.Kubernetes.Informing.ScriptedApiServer;

namespace ExecutionSentinel.Tests.Kubernetes.Informing;

/// <summary>
/// The informer (list, then watch) against a scripted server that misbehaves in ways that must not leave it waiting for
/// ever: pagination that loops, a watch stalled in the middle of a line, a watch that sends only blank lines. Both ways
/// of reading (the wire and the generated calls); the informer's clock is fake, so its staleness timeout is moved on
/// by the test once the server says the stall has begun.
/// </summary>
public sealed class HostileInformerTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public static TheoryData<bool> BothPaths => HostileWireTests.BothPaths;

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_list_whose_continue_token_comes_back_fails_instead_of_listing_for_ever(bool wire)
    {
        await using var server = await StartAsync(list: (c, n) => JsonAsync(c, 200, List(Pod($"p{n}", n + 1), resourceVersion: "9", @continue: n == 1 ? "first" : "again")));
        using var client = HostileWireTests.Client(server, wire);
        using var telemetry = new SentinelTelemetry();
        var informer = Informer(client.Pods, new FakeTimeProvider(), new Sink(), telemetry);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => informer.ListAsync(CancellationToken.None).WaitAsync(HangGuard));

        Assert.IsNotType<TimeoutException>(error);
        Assert.Contains("continue", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_200_with_a_Status_instead_of_a_list_leaves_the_cache_as_it_was(bool wire)
    {
        await using var server = await StartAsync(list: (c, n) => JsonAsync(c, 200, n == 1
            ? List(Pod("a", 2), resourceVersion: "2")
            : """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"upstream connect error","code":503}"""));
        using var client = HostileWireTests.Client(server, wire);
        using var telemetry = new SentinelTelemetry();
        var sink = new Sink();
        var informer = Informer(client.Pods, new FakeTimeProvider(), sink, telemetry);
        await informer.ListAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => informer.ListAsync(CancellationToken.None).WaitAsync(HangGuard));

        Assert.Equal(["a"], sink.Names);
        Assert.NotNull(informer.Health.Failure);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_watch_stalled_mid_line_is_restarted_by_the_staleness_timeout(bool wire)
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(
            list: (c, _) => JsonAsync(c, 200, List(Pod("a", 2), resourceVersion: "2")),
            watch: async (c, n) =>
            {
                if (n == 1)
                {
                    await WriteAsync(c, """{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","resour""");
                    stalled.TrySetResult();
                }

                await HoldAsync(c);
            });

        await AssertRestartedAsync(server, wire, stalled.Task);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task Blank_lines_are_no_news_a_watch_sending_only_them_is_restarted(bool wire)
    {
        var flooding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(
            list: (c, _) => JsonAsync(c, 200, List(Pod("a", 2), resourceVersion: "2")),
            watch: async (c, n) =>
            {
                if (n == 1)
                {
                    try
                    {
                        while (!c.RequestAborted.IsCancellationRequested)
                        {
                            await WriteAsync(c, "\n \r\n\n");
                            flooding.TrySetResult();
                            await Task.Delay(5, c.RequestAborted);
                        }
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or IOException)
                    {
                    }

                    return;
                }

                await HoldAsync(c);
            });

        await AssertRestartedAsync(server, wire, flooding.Task);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_watch_that_ends_at_once_with_nothing_is_reopened_after_a_back_off_not_in_a_tight_loop(bool wire)
    {
        // A proxy that cuts every watch, or a server answering an empty 200: reopened at once, the informer would hammer
        // the API server as fast as it answers. The clock is frozen, so a back-off started is a back-off still running.
        await using var server = await StartAsync(
            list: (c, _) => JsonAsync(c, 200, List(Pod("a", 2), resourceVersion: "2")),
            watch: (c, _) => Task.CompletedTask);
        using var client = HostileWireTests.Client(server, wire);
        using var telemetry = new SentinelTelemetry();
        var time = new TimerWatchingTimeProvider(shorterThan: new KubernetesProbeOptions().StalenessTimeout);
        var informer = Informer(client.Pods, time, new Sink(), telemetry);
        using var stop = new CancellationTokenSource();
        await informer.ListAsync(CancellationToken.None);
        var running = Task.Run(() => informer.RunAsync(stop.Token));

        await server.WatchNumber(1).WaitAsync(HangGuard);
        var first = await Task.WhenAny(time.ShortTimerCreated.Task, server.WatchNumber(2)).WaitAsync(HangGuard);

        Assert.Same(time.ShortTimerCreated.Task, first);
        Assert.False(server.WatchNumber(2).IsCompleted, "the watch was reopened before its back-off");
        time.Advance(new KubernetesProbeOptions().MaxRelistBackoff);
        await server.WatchNumber(2).WaitAsync(HangGuard);
        await stop.CancelAsync();
        await running.WaitAsync(HangGuard);
    }

    /// <summary>A fake clock that says when a timer shorter than a bound is created (the informer's back-off; its staleness timer is longer).</summary>
    private sealed class TimerWatchingTimeProvider(TimeSpan shorterThan) : FakeTimeProvider
    {
        public TaskCompletionSource ShortTimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.Zero && dueTime < shorterThan)
            {
                ShortTimerCreated.TrySetResult();
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static async Task AssertRestartedAsync(ScriptedApiServer server, bool wire, Task stallBegun)
    {
        using var client = HostileWireTests.Client(server, wire);
        using var telemetry = new SentinelTelemetry();
        var time = new FakeTimeProvider();
        var sink = new Sink();
        var informer = Informer(client.Pods, time, sink, telemetry);
        using var stop = new CancellationTokenSource();
        await informer.ListAsync(CancellationToken.None);
        var running = Task.Run(() => informer.RunAsync(stop.Token));

        await stallBegun.WaitAsync(HangGuard);
        time.Advance(new KubernetesProbeOptions().StalenessTimeout + TimeSpan.FromSeconds(1));
        await server.WatchNumber(2).WaitAsync(HangGuard);

        Assert.Equal(1, informer.Health.WatchRestarts);
        Assert.Null(informer.Health.Failure);
        Assert.Equal(["a"], sink.Names);
        await stop.CancelAsync();
        await running.WaitAsync(HangGuard);
    }

    private static ResourceInformer<PodFacts> Informer(IResourceApi<PodFacts> api, TimeProvider time, Sink sink, SentinelTelemetry telemetry) =>
        new(api, "wf", "app=x", new KubernetesProbeOptions { PageSize = 1 }, ResiliencePipeline.Empty, time, NullLogger.Instance, sink, new object(), telemetry);

    private sealed class Sink : IInformerSink<PodFacts>
    {
        private readonly Dictionary<string, PodFacts> _pods = [];

        public IReadOnlyList<string> Names
        {
            get
            {
                lock (_pods)
                {
                    return [.. _pods.Keys.Order(StringComparer.Ordinal)];
                }
            }
        }

        public void Replace(IReadOnlyList<PodFacts> items, TimeSpan unobservedFor)
        {
            lock (_pods)
            {
                _pods.Clear();
                foreach (var item in items)
                {
                    _pods[item.Name] = item;
                }
            }
        }

        public void Apply(WatchEventType type, PodFacts item)
        {
            lock (_pods)
            {
                if (type == WatchEventType.Deleted)
                {
                    _pods.Remove(item.Name);
                }
                else
                {
                    _pods[item.Name] = item;
                }
            }
        }
    }
}
