using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the sentinel registered by <c>AddExecutionSentinel</c>.</summary>
public interface ISentinelBuilder
{
    /// <summary>The service collection the sentinel is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Adds a detector, resolved from DI as a singleton. Adding the same type twice adds it once.</summary>
    /// <typeparam name="TDetector">The detector's type.</typeparam>
    /// <returns>The builder.</returns>
    ISentinelBuilder AddDetector<TDetector>()
        where TDetector : class, IAnomalyDetector;

    /// <summary>Adds a detector instance.</summary>
    /// <param name="detector">The detector.</param>
    /// <returns>The builder.</returns>
    ISentinelBuilder AddDetector(IAnomalyDetector detector);

    /// <summary>Removes every detector of a type, built-in ones included.</summary>
    /// <typeparam name="TDetector">The detector's type.</typeparam>
    /// <returns>The builder.</returns>
    ISentinelBuilder RemoveDetector<TDetector>()
        where TDetector : class, IAnomalyDetector;

    /// <summary>Uses <typeparamref name="TProbe"/> (a singleton from DI) to observe the cluster, replacing any probe chosen before.</summary>
    /// <typeparam name="TProbe">The probe's type.</typeparam>
    /// <returns>The builder.</returns>
    ISentinelBuilder UseClusterProbe<TProbe>()
        where TProbe : class, IClusterProbe;

    /// <summary>Uses the probe a factory makes, replacing any probe chosen before.</summary>
    /// <param name="factory">Makes the probe (once: it is a singleton).</param>
    /// <returns>The builder.</returns>
    ISentinelBuilder UseClusterProbe(Func<IServiceProvider, IClusterProbe> factory);
}
