using ExecutionSentinel;
using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Observability;
using ExecutionSentinel.Watchdog;
using ExecutionSentinel.Watching;
using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the watchdog: interventions (off by default), reconciliation, leader election, resume after a crash.</summary>
public static class WatchdogSentinelBuilderExtensions
{
    /// <summary>
    /// Puts the watchdog in front of the sentinel. Interventions stay off unless <paramref name="configure"/> enables them
    /// (or DryRun); only the leader acts (a single replica leads unless <see cref="UseLeaderElection(ISentinelBuilder, Action{LeaderElectionOptions})"/> is called); at most
    /// <see cref="InterventionOptions.MaxPerHour"/> an hour. Registers <see cref="WatchdogStatusProvider"/> (status),
    /// <see cref="InterventionGate"/>, <see cref="HeartbeatMonitor"/> (configure <see cref="HeartbeatOptions"/> with
    /// <c>services.Configure</c>) and, when an <see cref="IExecutionLedger"/> is registered, <see cref="Reconciler"/>.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="configure">Sets the mode, the limit and the policy.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder AddWatchdog(this ISentinelBuilder builder, Action<InterventionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddWatchdog();
    }

    /// <summary>
    /// Puts the watchdog in front of the sentinel with its defaults: interventions off (observe only). Adds the watchdog's
    /// detectors (hang, stall, consistency; options <see cref="HangDetectorOptions"/>, <see cref="StallDetectorOptions"/>,
    /// <see cref="ConsistencyDetectorOptions"/>, bound from <c>Detectors:Hang</c>, <c>Detectors:Stall</c> and
    /// <c>Detectors:Consistency</c> of the section given to <c>AddExecutionSentinel(IConfiguration)</c>) and
    /// <see cref="WorkflowActivity"/>, where the conductor records activity that keeps a workflow from being called hung.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder AddWatchdog(this ISentinelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<WorkflowActivity>();
        (builder as SentinelBuilder ?? new SentinelBuilder(services))
            .AddHangDetector()
            .AddStallDetector()
            .AddConsistencyDetector();
        services.AddOptions<InterventionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InterventionOptions>, InterventionOptionsValidator>());

        services.TryAddSingleton<ILeadership, SingleReplicaLeadership>();
        services.TryAddSingleton(sp =>
        {
            var reconciler = sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
            return new ObservedJobs(reconciler.FinishedJobTtl + reconciler.TombstoneGrace, sp.GetRequiredService<TimeProvider>());
        });
        // A cluster that answers the watchdog itself (the simulated cluster) is acted on, read and counted in directly;
        // otherwise the Kubernetes API is, through the process's IKubernetes client.
        services.TryAddSingleton<IClusterActuator>(sp =>
        {
            var probe = sp.GetRequiredService<IOptionsMonitor<KubernetesProbeOptions>>();
            string Selector() => probe.CurrentValue.JobLabelSelector ?? probe.CurrentValue.TaskLabelSelector;
            if (sp.GetService<IWatchdogCluster>() is { } own)
            {
                return new JobActuator(own.Jobs, Selector);
            }

            var time = sp.GetRequiredService<TimeProvider>();
            var options = probe.CurrentValue;
            var reads = sp.GetRequiredService<KubernetesPipelines>().Build(options, KubernetesPipelineKind.WatchdogJobs, "watchdog/jobs");
            var client = KubernetesClientOnFirstUse(sp);
            if (sp.GetRequiredService<IOptions<InterventionOptions>>().Value.Mode == InterventionMode.Enabled)
            {
                _ = client.Value; // An enabled watchdog fails at start, not at its first intervention, when no client can be built.
            }

            var jobs = new KubernetesJobApi(client, reads, options.RequestTimeout, time);
            return new JobActuator(jobs, Selector);
        });
        services.TryAddSingleton<IExecutionCluster>(sp => sp.GetService<IWatchdogCluster>()?.Executions ?? new KubernetesExecutionCluster(
            KubernetesClientOnFirstUse(sp),
            sp.GetRequiredService<KubernetesPipelines>().Build(
                sp.GetRequiredService<IOptions<KubernetesProbeOptions>>().Value, KubernetesPipelineKind.WatchdogExecutions, "watchdog/executions")));
        services.TryAddSingleton<WatchdogAnnouncements>();

        // Where the hourly limit is recorded: on the Lease with leader election (UseLeaderElection replaces this); in the
        // simulated cluster itself when that is what the watches observe; else in the checkpoint store; in memory only
        // for a dry run (an enabled watchdog refuses to start so).
        services.TryAddSingleton<IInterventionRecord>(sp =>
            sp.GetService<IWatchdogCluster>()?.InterventionRecord
            ?? (sp.GetService<ICheckpointStore>() is { } store ? new CheckpointInterventionRecord(store) : new MemoryInterventionRecord()));
        services.AddOptions<ReconcilerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcilerOptions>, ReconcilerOptionsValidator>());
        services.AddOptions<HeartbeatOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeartbeatOptions>, HeartbeatOptionsValidator>());
        services.TryAddSingleton(sp => new HeartbeatMonitor(
            sp.GetRequiredService<IOptions<HeartbeatOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<HeartbeatMonitor>>()));
        services.TryAddSingleton(sp =>
        {
            var telemetry = sp.GetRequiredService<SentinelTelemetry>();
            var leadership = sp.GetRequiredService<ILeadership>();
            var gate = new InterventionGate(
                sp.GetRequiredService<IClusterActuator>(),
                leadership,
                sp.GetRequiredService<IOptions<InterventionOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IInterventionRecord>(),
                sp.GetRequiredService<ObservedJobs>(),
                sp.GetService<ILogger<InterventionGate>>())
            {
                Observer = (action, outcome) => telemetry.Interventions.Add(
                    1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome.ToString())),
            };
            if (leadership is LeaseLeadership lease)
            {
                // A failing election is reported in every running watch and kept among the status's findings.
                var announcements = sp.GetRequiredService<WatchdogAnnouncements>();
                var time = sp.GetRequiredService<TimeProvider>();
                lease.ElectionFailed += ex =>
                {
                    var report = LeaderElectionReports.Failed(lease, ex, time.GetUtcNow());
                    gate.Record(report);
                    announcements.Announce(report);
                };
                lease.ElectionRecovered += announcements.Withdraw;
            }

            return gate;
        });
        services.TryAddSingleton(sp => new WatchdogStatusProvider(sp.GetRequiredService<InterventionGate>(), sp.GetRequiredService<SentinelHealth>()));
        services.TryAddSingleton(sp => new Reconciler(
            sp.GetService<IExecutionLedger>() ?? throw new InvalidOperationException("The Reconciler needs an IExecutionLedger: register the application's ledger."),
            sp.GetRequiredService<IExecutionCluster>(),
            sp.GetRequiredService<InterventionGate>(),
            sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<Reconciler>>()));

        // The watch's probe is wrapped so that the watchdog records what each watch observes (whatever probe is chosen,
        // before or after this call); the probe itself stays registered as it is.
        services.Replace(ServiceDescriptor.Singleton(sp => SentinelServiceCollectionExtensions.CreateSentinel(
            sp, probe => new ObservingProbe(probe, sp.GetRequiredService<ObservedJobs>()))));
        services.Replace(ServiceDescriptor.Singleton<ISentinel>(sp => new WatchdogSentinel(sp.GetRequiredService<Sentinel>(), sp.GetRequiredService<InterventionGate>(), sp.GetRequiredService<WatchdogAnnouncements>())));
        return builder;
    }

    /// <summary>
    /// Puts the watchdog in front of the sentinel as <see cref="AddWatchdog(ISentinelBuilder, Action{InterventionOptions})"/>
    /// does, binding <see cref="InterventionOptions"/> from a configuration section (usually
    /// <c>configuration.GetSection("ExecutionSentinel:Interventions")</c>: <c>Mode</c>, <c>MaxPerHour</c>, <c>Actions:straggler</c>…).
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="section">The section holding the options.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder AddWatchdog(this ISentinelBuilder builder, Microsoft.Extensions.Configuration.IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.Configure<InterventionOptions>(section);
        return builder.AddWatchdog();
    }

    /// <summary>
    /// Elects a leader among conductor replicas through a Kubernetes Lease (KubernetesClient's <c>LeaderElector</c>): only
    /// the leader intervenes, and only while its last renewal is younger than the renew deadline. The same Lease keeps the
    /// hourly limit's record (an annotation), so the limit holds across restarts and leader changes. Election failures are
    /// logged, reported (<see cref="WatchdogReportKinds.LeaderElectionFailed"/>) and retried with back-off. Needs
    /// <c>get</c>/<c>update</c> (and <c>create</c>, unless the Lease exists) on the Lease: see docs/rbac.yaml.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="configure">Sets the Lease's namespace (required), its name and this replica's identity.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">When the options are not valid (every problem named), on first use.</exception>
    public static ISentinelBuilder UseLeaderElection(this ISentinelBuilder builder, Action<LeaderElectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var options = new LeaderElectionOptions();
            configure(options);
            if (options.Problems() is { Count: > 0 } problems)
            {
                throw new OptionsValidationException("LeaderElection", typeof(LeaderElectionOptions), problems);
            }

            return options;
        }));
        services.Replace(ServiceDescriptor.Singleton<ILeadership>(sp =>
        {
            var options = sp.GetRequiredService<LeaderElectionOptions>();
            var @lock = new k8s.LeaderElection.ResourceLock.LeaseLock(sp.GetRequiredService<IKubernetes>(), options.Namespace, options.LeaseName, options.Identity);
            var config = new k8s.LeaderElection.LeaderElectionConfig(@lock)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            };
            return new LeaseLeadership(config, sp.GetService<ILogger<LeaseLeadership>>(), sp.GetRequiredService<TimeProvider>());
        }));
        services.Replace(ServiceDescriptor.Singleton<IInterventionRecord>(sp =>
        {
            var options = sp.GetRequiredService<LeaderElectionOptions>();
            var probe = sp.GetRequiredService<IOptions<KubernetesProbeOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return new LeaseInterventionRecord(
                sp.GetRequiredService<IKubernetes>(), options.Namespace, options.LeaseName, options.Identity,
                sp.GetRequiredService<KubernetesPipelines>().Build(probe, KubernetesPipelineKind.WatchdogLease, "watchdog/record"), probe.RequestTimeout, time);
        }));
        return builder;
    }

    /// <summary>
    /// Elects a leader with a leadership of the application's own: only the leader intervenes. The hourly limit's record
    /// then goes in the checkpoint store (<see cref="CheckpointSentinelBuilderExtensions.UseCheckpoints(ISentinelBuilder, string)"/>), which must be shared
    /// by the replicas; prefer <see cref="UseLeaderElection(ISentinelBuilder, Action{LeaderElectionOptions})"/>.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="factory">Makes the leadership (e.g. <c>new LeaseLeadership(new LeaderElectionConfig(new LeaseLock(client, ns, name, identity)))</c>).</param>
    /// <returns>The builder.</returns>
    internal static ISentinelBuilder UseLeaderElection(this ISentinelBuilder builder, Func<IServiceProvider, ILeadership> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>
    /// The process's Kubernetes client, made when the watchdog first calls the API: a watchdog over another probe that
    /// never acts (off, dry run) must not need a kubeconfig to start.
    /// </summary>
    private static Lazy<IKubernetes> KubernetesClientOnFirstUse(IServiceProvider services) =>
        new(services.GetRequiredService<IKubernetes>, LazyThreadSafetyMode.ExecutionAndPublication);
}
