using System.Runtime.CompilerServices;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Testing;

/// <summary>The public test kit runs a watch to its end on fake time, and gives up on one that cannot end.</summary>
public sealed class SimulatedWatchTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_watch_built_as_a_user_builds_it_runs_to_its_summary_on_fake_time()
    {
        // Only what a user's test has: the Testing package's public API and DI.
        var time = new FakeTimeProvider(Epoch);
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled(), time, new SimulatedClusterOptions());
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddExecutionSentinel().UseSimulatedCluster(cluster);
        await using var provider = services.BuildServiceProvider();

        var reports = await SimulatedWatch.RunToEndAsync(provider.GetRequiredService<ISentinel>(), cluster.CreateContext(), time);

        var summary = Assert.Single(reports, r => r.Summary is not null).Summary!;
        Assert.Same(summary, reports[^1].Summary);
        Assert.Equal(WatchOutcome.Completed, summary.Outcome);
        Assert.True(time.GetUtcNow() >= cluster.EngineSignalsAt, "The watch cannot have ended before the engine signalled.");
    }

    [Fact]
    public async Task A_stream_that_never_ends_is_given_up_at_the_limit_with_a_clear_error_and_is_cancelled()
    {
        var time = new FakeTimeProvider(Epoch);
        var endless = new EndlessStream(time);

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            SimulatedWatch.ConsumeToEndAsync(endless.ReadAsync(), time, onReport: null, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), CancellationToken.None));

        Assert.Contains("did not end within 01:00:00 of fake time", error.Message, StringComparison.Ordinal);
        Assert.Contains("report(s) so far; the last: progress", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(1), time.GetUtcNow() - Epoch);
        Assert.True(endless.Cancelled, "The stream given up is cancelled, so it stops waiting on the fake clock.");
    }

    [Fact]
    public async Task A_stream_that_ignores_cancellation_is_still_given_up()
    {
        var time = new FakeTimeProvider(Epoch);

        await Assert.ThrowsAsync<TimeoutException>(() =>
            SimulatedWatch.ConsumeToEndAsync(Deaf(time), time, onReport: null, step: null, TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    [Fact]
    public async Task Each_report_is_handed_over_before_the_next_is_asked_for_and_the_token_ends_the_watch()
    {
        var time = new FakeTimeProvider(Epoch);
        var endless = new EndlessStream(time);
        using var cancel = new CancellationTokenSource();
        var seen = new List<SentinelReport>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SimulatedWatch.ConsumeToEndAsync(endless.ReadAsync(), time, async report =>
            {
                Assert.Equal(seen.Count, endless.Yielded - 1); // the stream is paused on this report
                seen.Add(report);
                if (seen.Count == 3)
                {
                    await cancel.CancelAsync();
                }
            }, step: null, limit: null, cancel.Token));

        Assert.Equal(3, seen.Count);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(10, 5)]
    public async Task A_step_that_is_not_positive_or_longer_than_the_limit_is_refused(int stepSeconds, int limitSeconds)
    {
        var time = new FakeTimeProvider(Epoch);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SimulatedWatch.ConsumeToEndAsync(
            Deaf(time), time, onReport: null, TimeSpan.FromSeconds(stepSeconds), TimeSpan.FromSeconds(limitSeconds), CancellationToken.None));
        Assert.Equal(Epoch, time.GetUtcNow());
    }

    // A stream that never ends and ignores its token: only the kit's own bound stops the test.
    private static async IAsyncEnumerable<SentinelReport> Deaf(TimeProvider time)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), time, CancellationToken.None);
            yield return Progress(time);
        }
    }

    private static SentinelReport Progress(TimeProvider time) =>
        new() { Kind = ReportKind.Progress, Severity = ReportSeverity.Info, Message = "still going", Source = "test", Timestamp = time.GetUtcNow() };

    /// <summary>Reports progress every 30 s of fake time forever, honouring its token as the sentinel does.</summary>
    private sealed class EndlessStream(TimeProvider time)
    {
        public int Yielded { get; private set; }

        public bool Cancelled { get; private set; }

        public async IAsyncEnumerable<SentinelReport> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            while (true)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled = true;
                    throw;
                }

                Yielded++;
                yield return Progress(time);
            }
        }
    }
}
