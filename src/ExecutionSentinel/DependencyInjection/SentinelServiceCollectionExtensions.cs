using ExecutionSentinel;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.History;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Observability;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using k8s;
using Polly;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ExecutionSentinel in a service collection.</summary>
public static class SentinelServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISentinel"/> with the built-in detectors, the Kubernetes probe, options validated at start, and
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered. Calling it again is harmless.
    /// </summary>
    /// <remarks>
    /// The Kubernetes probe uses the <see cref="IKubernetes"/> client registered in the collection, or else one built from
    /// <see cref="KubernetesProbeOptions"/> (kubeconfig, context or in-cluster) when the sentinel is first resolved.
    /// Choose another probe with <see cref="ISentinelBuilder.UseClusterProbe{TProbe}"/>.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add detectors and choose the cluster probe.</returns>
    public static ISentinelBuilder AddExecutionSentinel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddCore(services);
    }

    /// <summary>Registers <see cref="ISentinel"/> as <see cref="AddExecutionSentinel(IServiceCollection)"/> does, and changes its options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>A builder to add detectors and choose the cluster probe.</returns>
    public static ISentinelBuilder AddExecutionSentinel(this IServiceCollection services, Action<SentinelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="ISentinel"/> as <see cref="AddExecutionSentinel(IServiceCollection)"/> does,
    /// binding the options from a configuration section (usually <c>configuration.GetSection("ExecutionSentinel")</c>): the
    /// loop's from the section itself, the probe's from <c>Kubernetes</c>, each detector's from <c>Detectors:&lt;Name&gt;</c>
    /// (such as <c>Detectors:Straggler:Multiplier</c>; the watchdog's detectors too, once <c>AddWatchdog()</c> is called).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns>A builder to add detectors and choose the cluster probe.</returns>
    public static ISentinelBuilder AddExecutionSentinel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, configuration);
        services.Configure<SentinelOptions>(configuration);
        services.Configure<KubernetesProbeOptions>(configuration.GetSection("Kubernetes"));
        services.Configure<DurationHistoryOptions>(configuration.GetSection(DurationHistoryOptions.SectionName));
        return builder;
    }

    private static SentinelBuilder AddCore(IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddOptions<SentinelOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SentinelOptions>, SentinelOptionsValidator>());
        services.AddOptions<DurationHistoryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DurationHistoryOptions>, DurationHistoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateSentinel);
        services.TryAddSingleton<ISentinel>(sp => sp.GetRequiredService<Sentinel>());
        services.TryAddSingleton(sp => new SentinelTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<SentinelHealth>();
        services.TryAddSingleton(sp => new SentinelHealthCheck(sp.GetRequiredService<SentinelHealth>()));

        var registered = services.Any(d => d.ServiceType == typeof(CoreRegisteredMarker));
        var builder = new SentinelBuilder(services, configuration) { RegistersDetectors = !registered };
        if (!registered)
        {
            services.AddSingleton<CoreRegisteredMarker>();
            AddKubernetesProbe(services);
        }

        // The watch loop's detectors; the watchdog's (hang, stall, consistency) come with AddWatchdog().
        builder
            .AddProgressDetector()
            .AddPhaseDetector()
            .AddTaskFailureDetector()
            .AddOomKillDetector()
            .AddTaskLostDetector()
            .AddUnidentifiedTaskDetector()
            .AddPendingTooLongDetector()
            .AddContainerTroubleDetector()
            .AddStragglerDetector()
            .AddMassFailureDetector()
            .AddConnectivityDetector();
        return builder;
    }

    private static Sentinel CreateSentinel(IServiceProvider services) => CreateSentinel(services, static probe => probe);

    /// <summary>The sentinel, its probe wrapped by <paramref name="probe"/> (the watchdog records what each watch observes).</summary>
    internal static Sentinel CreateSentinel(IServiceProvider services, Func<IClusterProbe, IClusterProbe> probe)
    {
        return new Sentinel(
            probe(services.GetRequiredService<IClusterProbe>()),
            services.GetServices<IAnomalyDetector>(),
            services.GetRequiredService<IOptionsMonitor<SentinelOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILogger<Sentinel>>(),
            services.GetRequiredService<SentinelTelemetry>(),
            services.GetRequiredService<SentinelHealth>(),
            services.GetService<ExecutionSentinel.Checkpoints.ICheckpointStore>(),
            services.GetServices<IDetectorSwitch>(),
            services.GetService<IDurationBaselineStore>(),
            services.GetRequiredService<IOptionsMonitor<DurationHistoryOptions>>());
    }

    private static void AddKubernetesProbe(IServiceCollection services)
    {
        services.AddOptions<KubernetesProbeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesProbeOptions>, KubernetesProbeOptionsValidator>());
        services.TryAddSingleton<IKubernetes>(sp => KubernetesClientFactory.Create(sp.GetRequiredService<IOptions<KubernetesProbeOptions>>().Value));
        services.AddResiliencePipeline(
            KubernetesResilience.PipelineKey,
            static (pipeline, context) => KubernetesResilience.Configure(
                pipeline, context.ServiceProvider.GetRequiredService<IOptions<KubernetesProbeOptions>>().Value));
        services.TryAddSingleton<KubernetesPipelines>();
        services.TryAddSingleton<IClusterProbe, KubernetesClusterProbe>();
    }

    /// <summary>Marks that the core was registered, so a second call does not re-add detectors the host removed.</summary>
    private sealed class CoreRegisteredMarker;
}
