using ExecutionSentinel.Testing;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs a <see cref="SimulatedCluster"/> into the sentinel, and into its watchdog.</summary>
/// <remarks>Public because tests plug the simulated cluster in with it.</remarks>
public static class SimulatedClusterSentinelBuilderExtensions
{
    /// <summary>
    /// Observes <paramref name="cluster"/> instead of a real cluster, and registers it as a singleton. After
    /// <c>AddWatchdog()</c> the watchdog acts on it too (deleting a Job stops its task in the simulation), reads executions
    /// from it and keeps its hourly record in it; no Kubernetes client is needed.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="cluster">The simulated cluster.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseSimulatedCluster(this ISentinelBuilder builder, SimulatedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        return Use(builder, ServiceDescriptor.Singleton(cluster));
    }

    /// <summary>
    /// Observes the simulated cluster a factory makes (e.g. from the registered <see cref="TimeProvider"/>), registered as a
    /// singleton <see cref="SimulatedCluster"/> that the application and its tests can resolve. After <c>AddWatchdog()</c>
    /// the watchdog acts on it, as with <see cref="UseSimulatedCluster(ISentinelBuilder, SimulatedCluster)"/>.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="factory">Makes the cluster (once).</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseSimulatedCluster(this ISentinelBuilder builder, Func<IServiceProvider, SimulatedCluster> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return Use(builder, ServiceDescriptor.Singleton(factory));
    }

    private static ISentinelBuilder Use(ISentinelBuilder builder, ServiceDescriptor cluster)
    {
        // Choosing the probe first: choosing one drops any watchdog cluster registered before, and this one follows.
        builder.UseClusterProbe(static sp => sp.GetRequiredService<SimulatedCluster>());
        builder.Services.Replace(cluster);
        builder.Services.AddSingleton<IWatchdogCluster>(static sp => new SimulatedWatchdogCluster(sp.GetRequiredService<SimulatedCluster>()));
        return builder;
    }
}
