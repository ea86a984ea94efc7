using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s.Exceptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// A watchdog over a probe of the application's own needs a Kubernetes client only when it may act: off or in a dry
/// run it starts and watches without any kubeconfig; enabled, a missing kubeconfig fails at start, not at the first
/// intervention.
/// </summary>
public sealed class WatchdogClientTests
{
    private static readonly string MissingKubeconfig = Path.Combine(Path.GetTempPath(), "no-such-kubeconfig-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(InterventionMode.Off)]
    [InlineData(InterventionMode.DryRun)]
    public async Task A_watchdog_that_may_not_act_watches_a_custom_probe_without_a_kubeconfig(InterventionMode mode)
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(trace, time, new SimulatedClusterOptions { ParallelSlots = 8 });
        await using var provider = Build(time, cluster, mode);

        var reports = await Drive.ToEndAsync(provider.GetRequiredService<ISentinel>().WatchAsync(cluster.CreateContext()), time);

        Assert.Equal(ReportKind.Completed, reports[^1].Kind);
        Assert.Equal(trace.Tasks.Count, reports[^1].Summary!.CompletedTasks);
    }

    [Fact]
    public void An_enabled_watchdog_without_a_kubeconfig_fails_at_start_naming_the_file()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var cluster = new SimulatedCluster(WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"), time, new SimulatedClusterOptions());
        using var provider = Build(time, cluster, InterventionMode.Enabled);

        var error = Assert.Throws<KubeConfigException>(() => provider.GetRequiredService<ISentinel>());

        Assert.Contains(MissingKubeconfig, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(FakeTimeProvider time, SimulatedCluster cluster, InterventionMode mode)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddExecutionSentinel()
            .UseKubernetes(o => o.KubeconfigPath = MissingKubeconfig)
            .UseClusterProbe(_ => cluster) // The application's own probe: the watches never need the Kubernetes client.
            .AddWatchdog(o => o.Mode = mode)
            .UseCheckpoints(new MemoryCheckpointStore());
        return services.BuildServiceProvider();
    }
}
