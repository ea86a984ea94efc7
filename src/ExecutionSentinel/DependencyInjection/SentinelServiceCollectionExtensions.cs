using ExecutionSentinel;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ExecutionSentinel in a service collection.</summary>
public static class SentinelServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISentinel"/> with the built-in detectors, options validated at start, and
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered. Calling it again is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options, if given.</param>
    /// <returns>A builder to add detectors and choose the cluster probe.</returns>
    public static ISentinelBuilder AddExecutionSentinel(this IServiceCollection services, Action<SentinelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = AddCore(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Registers <see cref="ISentinel"/> as <see cref="AddExecutionSentinel(IServiceCollection, Action{SentinelOptions}?)"/> does,
    /// binding the options from a configuration section (usually <c>configuration.GetSection("ExecutionSentinel")</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns>A builder to add detectors and choose the cluster probe.</returns>
    public static ISentinelBuilder AddExecutionSentinel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        services.Configure<SentinelOptions>(configuration);
        return builder;
    }

    private static SentinelBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<SentinelOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SentinelOptions>, SentinelOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISentinel>(CreateSentinel);

        var builder = new SentinelBuilder(services);
        if (!services.Any(d => d.ServiceType == typeof(BuiltInDetectorsMarker)))
        {
            services.AddSingleton<BuiltInDetectorsMarker>();
            builder
                .AddDetector<ProgressDetector>()
                .AddDetector<PhaseDetector>()
                .AddDetector<TaskFailureDetector>()
                .AddDetector<OomKillDetector>()
                .AddDetector<TaskLostDetector>()
                .AddDetector<PendingTooLongDetector>()
                .AddDetector<ContainerTroubleDetector>()
                .AddDetector<StragglerDetector>()
                .AddDetector<MassFailureDetector>()
                .AddDetector<ConnectivityDetector>();
        }

        return builder;
    }

    private static Sentinel CreateSentinel(IServiceProvider services)
    {
        var probe = services.GetService<IClusterProbe>()
            ?? throw new InvalidOperationException(
                "ExecutionSentinel has no cluster probe: call UseClusterProbe<T>() on the builder returned by AddExecutionSentinel() "
                + "(or UseSimulatedCluster(...) from ExecutionSentinel.Testing).");
        return new Sentinel(
            probe,
            services.GetServices<IAnomalyDetector>(),
            services.GetRequiredService<IOptionsMonitor<SentinelOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILogger<Sentinel>>());
    }

    /// <summary>Marks that the built-in detectors were added, so a second call does not re-add ones the host removed.</summary>
    private sealed class BuiltInDetectorsMarker;
}
