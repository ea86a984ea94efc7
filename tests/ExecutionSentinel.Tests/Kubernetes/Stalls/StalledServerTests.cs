using System.Collections.Concurrent;
using System.Diagnostics;
using ExecutionSentinel.Kubernetes;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ExecutionSentinel.Tests.Kubernetes.Stalls;

/// <summary>
/// A watch through the Kubernetes probe against API servers that stall below HTTP, over real sockets on loopback: it
/// reports the trouble and ends by its timeout; the consumer's cancellation ends it within 2 s; leaving the
/// <c>await foreach</c> finishes within 2 s. Real time (the stall is in the socket): every scenario runs at once, each
/// against a server of its own, and each test awaits its own (see <see cref="StalledWatches"/>).
/// </summary>
public sealed class StalledServerTests(StalledServerTests.StalledWatches watches, ITestOutputHelper output) : IClassFixture<StalledServerTests.StalledWatches>
{
    /// <summary>
    /// How long a consumer's way out may take: not a speed target (the suite runs on a loaded 2-core machine) but a line
    /// between leaving at once and waiting for the stalled request, which the server holds until the watch's 20 s timeout.
    /// </summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(8);

    /// <summary>How much later than its timeout a watch may end: a loaded 2-core machine, not a hang.</summary>
    private static readonly TimeSpan EndSlack = TimeSpan.FromSeconds(15);

    public static TheoryData<Stall> Stalls => [Stall.ListHeadersThenNothing, Stall.ListMidBody, Stall.ExecAfterUpgrade, Stall.Silent, Stall.Drip];

    [Theory]
    [MemberData(nameof(Stalls))]
    public async Task The_watch_reports_the_trouble_and_ends_by_its_timeout(Stall stall)
    {
        var run = await watches.ResultAsync(stall, Exit.Timeout);
        output.WriteLine(run.Describe());

        Assert.Null(run.Error);
        Assert.True(run.StalledRequests > 0, "the server never stalled a request");
        Assert.Contains(run.Reports, r => r.Kind == Trouble(stall));
        var end = run.Reports[^1];
        Assert.True(end.Summary?.TimedOut, $"the watch should end by its timeout, not with {end.Kind}");

        // An unreadable signal makes the timeout no verdict: the engine may have finished unseen.
        Assert.Equal(stall == Stall.ExecAfterUpgrade ? ReportKind.Aborted : ReportKind.TimedOut, end.Kind);
        Assert.InRange(run.Elapsed, StalledWatches.WatchTimeout - TimeSpan.FromSeconds(1), StalledWatches.WatchTimeout + EndSlack);
        if (stall is not (Stall.ListHeadersThenNothing or Stall.ListMidBody))
        {
            // The client let go of every stalled connection (a list body is read synchronously by the client: see the report).
            Assert.Equal(run.StalledRequests, run.StalledReleased);
        }
    }

    [Theory]
    [MemberData(nameof(Stalls))]
    public async Task Cancelling_the_consumers_token_ends_the_stream_without_waiting_for_the_stalled_request(Stall stall)
    {
        var run = await watches.ResultAsync(stall, Exit.Cancel);
        output.WriteLine(run.Describe());

        Assert.Null(run.Error);
        Assert.True(run.StalledRequests > 0, "the server never stalled a request");
        Assert.InRange(run.Exit!.Value, TimeSpan.Zero, ExitBound);
    }

    [Theory]
    [MemberData(nameof(Stalls))]
    public async Task Breaking_out_of_await_foreach_does_not_wait_for_the_stalled_request(Stall stall)
    {
        var run = await watches.ResultAsync(stall, Exit.Break);
        output.WriteLine(run.Describe());

        Assert.Null(run.Error);
        Assert.True(run.StalledRequests > 0, "the server never stalled a request");
        Assert.Equal(Trouble(stall), run.Reports[^1].Kind);
        Assert.InRange(run.Exit!.Value, TimeSpan.Zero, ExitBound);
    }

    private static ReportKind Trouble(Stall stall) => stall == Stall.ExecAfterUpgrade ? ReportKind.SignalReadFailed : ReportKind.ConnectivityLost;

    /// <summary>How the consumer leaves the watch.</summary>
    internal enum Exit
    {
        /// <summary>It does not: the watch runs to its timeout.</summary>
        Timeout,

        /// <summary>It cancels its token once a request is stalled.</summary>
        Cancel,

        /// <summary>It breaks out of <c>await foreach</c> at the first report of the trouble.</summary>
        Break,
    }

    /// <summary>What one scenario saw.</summary>
    internal sealed record Run(Stall Stall, Exit How, List<SentinelReport> Reports, TimeSpan Elapsed, TimeSpan? Exit, Exception? Error, int StalledRequests, int StalledReleased)
    {
        public string Describe() =>
            $"{Stall}/{How}: ended after {Elapsed.TotalSeconds:F1} s{(Exit is { } exit ? $", the consumer's way out took {exit.TotalMilliseconds:F0} ms" : "")}; "
            + $"{StalledRequests} requests stalled, {StalledReleased} let go by the client; reports: {string.Join(", ", Reports.Select(r => r.Kind.Name))}"
            + (Error is null ? "" : $"; error: {Error}");
    }

    /// <summary>Runs every scenario at once, on first use, so that the suite takes about one watch timeout.</summary>
    public sealed class StalledWatches : IAsyncDisposable
    {
        public static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(20);

        /// <summary>Past this, a scenario is hung: the test fails instead of waiting for ever.</summary>
        private static readonly TimeSpan HangGuard = WatchTimeout + TimeSpan.FromSeconds(60);

        private static readonly MonitoringContext Context = new()
        {
            Namespace = "wf",
            EnginePodName = "hyperflow-engine-0",
            TaskInventory = [new TaskSpec { Name = "a", TaskType = "t", DagOrder = 0 }],
        };

        private readonly ConcurrentDictionary<(Stall, Exit), Task<Run>> _runs = new();

        public StalledWatches()
        {
            foreach (var stall in Enum.GetValues<Stall>().Where(s => s != Stall.None))
            {
                foreach (var how in Enum.GetValues<Exit>())
                {
                    _runs[(stall, how)] = Task.Run(() => RunAsync(stall, how));
                }
            }
        }

        internal async Task<Run> ResultAsync(Stall stall, Exit how) => await _runs[(stall, how)].WaitAsync(HangGuard);

        public async ValueTask DisposeAsync()
        {
            // A scenario still running here is hung; its test has failed already.
            await Task.WhenAny(Task.WhenAll(_runs.Values), Task.Delay(TimeSpan.FromSeconds(5)));
        }

        private static async Task<Run> RunAsync(Stall stall, Exit how)
        {
            await using var server = new StallingApiServer(stall);
            using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Address.ToString() });
            var services = new ServiceCollection().AddSingleton<IKubernetes>(client);
            services.AddExecutionSentinel(o =>
                {
                    o.WatchTimeout = WatchTimeout;
                    o.PollInterval = TimeSpan.FromSeconds(1);
                    o.ObservationTimeout = TimeSpan.FromSeconds(6);
                })
                .UseKubernetes(o =>
                {
                    o.RequestTimeout = TimeSpan.FromSeconds(1);
                    o.MaxRetries = 1;

                    // Watches held open by the server are not what these tests are about: the view stays current.
                    o.StalenessTimeout = TimeSpan.FromMinutes(5);
                    o.MaxSilence = TimeSpan.FromMinutes(10);
                });
            await using var provider = services.BuildServiceProvider();
            var sentinel = provider.GetRequiredService<ISentinel>();

            var reports = new List<SentinelReport>();
            TimeSpan? exit = null;
            Exception? error = null;
            var watch = Stopwatch.StartNew();
            try
            {
                switch (how)
                {
                    case Exit.Timeout:
                        await foreach (var report in sentinel.WatchAsync(Context))
                        {
                            reports.Add(report);
                        }

                        break;

                    case Exit.Cancel:
                        using (var cancel = new CancellationTokenSource())
                        {
                            var consuming = ConsumeAsync(sentinel.WatchAsync(Context, cancel.Token), reports);
                            await server.Stalled.Task.WaitAsync(HangGuard);
                            var leaving = Stopwatch.StartNew();
                            await cancel.CancelAsync();
                            try
                            {
                                await consuming.WaitAsync(HangGuard);
                            }
                            catch (OperationCanceledException)
                            {
                            }

                            exit = leaving.Elapsed;
                        }

                        break;

                    case Exit.Break:
                        var trouble = stall == Stall.ExecAfterUpgrade ? ReportKind.SignalReadFailed : ReportKind.ConnectivityLost;
                        Stopwatch? breaking = null;
                        await foreach (var report in sentinel.WatchAsync(Context))
                        {
                            reports.Add(report);
                            if (report.Kind == trouble)
                            {
                                breaking = Stopwatch.StartNew();
                                break;
                            }
                        }

                        exit = breaking?.Elapsed;
                        break;
                }
            }
#pragma warning disable CA1031 // The test asserts on it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            var elapsed = watch.Elapsed;
            var released = await ReleasedAsync(server);
            return new Run(stall, how, reports, elapsed, exit, error, server.StalledRequests, released);
        }

        private static async Task ConsumeAsync(IAsyncEnumerable<SentinelReport> stream, List<SentinelReport> reports)
        {
            await foreach (var report in stream)
            {
                reports.Add(report);
            }
        }

        /// <summary>How many stalled connections the client closed, once it has closed them all (or 5 s passed: the server sees a close a little later).</summary>
        private static async Task<int> ReleasedAsync(StallingApiServer server)
        {
            var waited = Stopwatch.StartNew();
            while (server.StalledClosedByClient < server.StalledRequests && waited.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(50);
            }

            return server.StalledClosedByClient;
        }
    }
}
