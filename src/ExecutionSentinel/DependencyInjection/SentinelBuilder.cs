using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

internal sealed class SentinelBuilder(IServiceCollection services) : ISentinelBuilder
{
    public IServiceCollection Services { get; } = services;

    public ISentinelBuilder AddDetector<TDetector>()
        where TDetector : class, IAnomalyDetector
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAnomalyDetector, TDetector>());
        return this;
    }

    public ISentinelBuilder AddDetector(IAnomalyDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        Services.AddSingleton(detector);
        return this;
    }

    public ISentinelBuilder RemoveDetector<TDetector>()
        where TDetector : class, IAnomalyDetector
    {
        for (var i = Services.Count - 1; i >= 0; i--)
        {
            var descriptor = Services[i];
            if (descriptor.ServiceType == typeof(IAnomalyDetector)
                && (descriptor.ImplementationType == typeof(TDetector) || descriptor.ImplementationInstance is TDetector))
            {
                Services.RemoveAt(i);
            }
        }

        return this;
    }

    public ISentinelBuilder UseClusterProbe<TProbe>()
        where TProbe : class, IClusterProbe
    {
        Services.Replace(ServiceDescriptor.Singleton<IClusterProbe, TProbe>());
        Services.RemoveAll<IWatchdogCluster>(); // The watchdog acts where the watches look: no longer on a simulated cluster.
        return this;
    }

    public ISentinelBuilder UseClusterProbe(Func<IServiceProvider, IClusterProbe> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        Services.RemoveAll<IWatchdogCluster>();
        return this;
    }
}
