using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The watchdog's, the heartbeats' and the reconciler's options are checked at start, every problem named at once.</summary>
public sealed class WatchdogOptionsValidationTests
{
    [Fact]
    public void A_misspelt_report_kind_and_a_negative_limit_are_named_together_with_a_guess()
    {
        using var provider = Provider(o =>
        {
            o.Mode = InterventionMode.DryRun;
            o.MaxPerHour = -5;
            o.Actions["oom-kil"] = InterventionAction.TerminateTask;
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<InterventionGate>());

        Assert.Contains(error.Failures, f => f.StartsWith("ExecutionSentinel:Interventions:MaxPerHour must be from 0 to 1000 (was -5)", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("ExecutionSentinel:Interventions:Actions:oom-kil names no report kind the sentinel emits (did you mean 'oom-kill'?)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_custom_detectors_kind_may_be_named_once_declared()
    {
        using var provider = Provider(o =>
        {
            o.Mode = InterventionMode.DryRun;
            o.Actions["long-pending"] = InterventionAction.TerminateTask;
            o.Actions["workflow-stalled"] = InterventionAction.TerminateWorkflow;
            o.CustomKinds.Add("long-pending");
        });

        Assert.NotNull(provider.GetRequiredService<InterventionGate>());
    }

    [Fact]
    public void Heartbeat_and_reconciler_durations_out_of_bounds_are_named()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "https://127.0.0.1:1" }));
        services.AddExecutionSentinel().AddWatchdog();
        services.Configure<HeartbeatOptions>(o => o.Timeout = TimeSpan.Zero);
        services.Configure<ReconcilerOptions>(o =>
        {
            o.DefaultTimeout = TimeSpan.FromDays(-1);
            o.DispatchGrace = TimeSpan.FromDays(10);
        });
        using var provider = services.BuildServiceProvider();

        var heartbeat = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HeartbeatOptions>>().Value);
        var reconciler = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ReconcilerOptions>>().Value);

        Assert.Contains(heartbeat.Failures, f => f.StartsWith("ExecutionSentinel:Heartbeats:Timeout must be from 1 s to 1 day", StringComparison.Ordinal));
        Assert.Contains(reconciler.Failures, f => f.StartsWith("ExecutionSentinel:Reconciler:DefaultTimeout must be greater than zero and at most 30 days", StringComparison.Ordinal));
        Assert.Contains(reconciler.Failures, f => f.StartsWith("ExecutionSentinel:Reconciler:DispatchGrace must be from 0 to 1 day", StringComparison.Ordinal));
    }

    private static ServiceProvider Provider(Action<InterventionOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "https://127.0.0.1:1" }));
        services.AddExecutionSentinel().AddWatchdog(configure).UseCheckpoints(new MemoryCheckpointStore());
        return services.BuildServiceProvider();
    }
}
