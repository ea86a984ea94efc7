using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// Two workflows watched by one process: one workflow's namespace failing every call does not open the circuit breaker of
/// the other's watch (each watch has its own breakers), so the healthy watch sees nothing wrong and ends as the trace says.
/// </summary>
public sealed class BreakerIsolationTests
{
    private static readonly WorkflowTrace Genome = RealTraces.Load("1000genome-chameleon-2ch-100k-001");

    [Theory]
    [InlineData(KubernetesProbeMode.Watch)]
    [InlineData(KubernetesProbeMode.Poll)]
    public async Task A_failing_namespace_never_opens_the_breakers_of_a_healthy_watch(KubernetesProbeMode mode)
    {
        // Once open, the broken namespace's breaker stays open for longer than the whole run: a breaker shared with the
        // healthy watch would then fail every list it needs (in watch mode, at least the lists after the engine's signal),
        // whenever they come, instead of only those that happen to fall in a short break.
        await using var harness = await KubeHarness.StartAsync(Genome, probe: p =>
        {
            p.Mode = mode;
            p.CircuitBreakDuration = TimeSpan.FromHours(1);
        });
        const string Broken = "wf-broken";
        harness.Server.Faults.FailNamespace(Broken, FaultKind.ServerError);

        // The broken workflow is watched first and all along, in the same process, with the same client and options.
        using var stop = new CancellationTokenSource();
        var brokenReports = new List<SentinelReport>();
        var brokenWatch = Task.Run(async () =>
        {
            try
            {
                await foreach (var report in harness.Sentinel.WatchAsync(harness.Context() with { Namespace = Broken }, stop.Token))
                {
                    lock (brokenReports)
                    {
                        brokenReports.Add(report);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        var reports = await harness.RunAsync();
        await stop.CancelAsync();
        await brokenWatch;

        // The broken namespace's calls did fail, at least the breaker's minimum throughput (6) of them, all failures: enough
        // to open its breaker (which then lets none through for the rest of the run); and the watch said so.
        Assert.True(harness.Server.Faults.Injected >= 6, $"only {harness.Server.Faults.Injected} calls into {Broken} failed");
        lock (brokenReports)
        {
            Assert.Contains(brokenReports, r => r.Kind == ReportKind.ConnectivityLost);
        }

        // The healthy watch: never a failed observation or signal read, and the trace's outcome.
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost || r.Kind == ReportKind.SignalReadFailed);
        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(Genome.Tasks.Count, reports[^1].Summary!.CompletedTasks);
        Assert.Equal(0, reports[^1].Summary!.FailedTasks);
    }
}
