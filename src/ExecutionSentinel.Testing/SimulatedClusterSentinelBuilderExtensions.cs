using ExecutionSentinel.Probing;
using ExecutionSentinel.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs a <see cref="SimulatedCluster"/> into the sentinel.</summary>
public static class SimulatedClusterSentinelBuilderExtensions
{
    /// <summary>Observes <paramref name="cluster"/> instead of a real cluster.</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="cluster">The simulated cluster.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseSimulatedCluster(this ISentinelBuilder builder, SimulatedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        return builder.UseClusterProbe(_ => cluster);
    }

    /// <summary>Observes the simulated cluster a factory makes (e.g. from the registered <see cref="TimeProvider"/>).</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="factory">Makes the cluster.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseSimulatedCluster(this ISentinelBuilder builder, Func<IServiceProvider, SimulatedCluster> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.UseClusterProbe(sp => (IClusterProbe)factory(sp));
    }
}
