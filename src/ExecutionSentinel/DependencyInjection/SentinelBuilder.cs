using ExecutionSentinel;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <param name="services">The service collection.</param>
/// <param name="configuration">The sentinel's section, when <c>AddExecutionSentinel(IConfiguration)</c> was given one.</param>
internal sealed class SentinelBuilder(IServiceCollection services, IConfiguration? configuration = null) : ISentinelBuilder
{
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// The section the sentinel was bound from (usually <c>ExecutionSentinel</c>); each detector's options bind from its
    /// <c>Detectors:&lt;Name&gt;</c> subsection, the watchdog's detectors included, so that one root configures them all.
    /// </summary>
    internal IConfiguration? Configuration { get; } = configuration;

    /// <summary>
    /// Whether <see cref="AddBuiltIn{TDetector, TOptions}(string)"/> registers the detector itself: not on a second
    /// <c>AddExecutionSentinel</c>, which must not bring back a detector the host removed (it still binds the options).
    /// </summary>
    internal bool RegistersDetectors { get; init; } = true;

    /// <summary>The full configuration key of a detector's section, as validation messages name it.</summary>
    /// <param name="name">The detector's section name (its folder's name: Straggler, OomKill…).</param>
    /// <returns><c>ExecutionSentinel:Detectors:&lt;name&gt;</c>.</returns>
    internal static string SectionOf(string name) => $"{SentinelOptions.SectionName}:Detectors:{name}";

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

    public ISentinelBuilder AddDetector<TDetector, TOptions>(string name)
        where TDetector : class, IAnomalyDetector
        where TOptions : DetectorOptions, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        AddDetector<TDetector>();
        BindOptions<TDetector, TOptions>(name).ValidateDataAnnotations();
        return this;
    }

    public ISentinelBuilder ConfigureDetector<TOptions>(Action<TOptions> configure)
        where TOptions : DetectorOptions
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
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

    /// <summary>Registers a built-in detector whose options need no check beyond their types (only <c>Enabled</c>).</summary>
    internal SentinelBuilder AddBuiltIn<TDetector, TOptions>(string name)
        where TDetector : class, IAnomalyDetector
        where TOptions : DetectorOptions
    {
        if (RegistersDetectors)
        {
            AddDetector<TDetector>();
        }

        BindOptions<TDetector, TOptions>(name);
        return this;
    }

    /// <summary>Registers a built-in detector and the validator that names each bad option by its key.</summary>
    internal SentinelBuilder AddBuiltIn<TDetector, TOptions, TValidator>(string name)
        where TDetector : class, IAnomalyDetector
        where TOptions : DetectorOptions
        where TValidator : class, IValidateOptions<TOptions>
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return AddBuiltIn<TDetector, TOptions>(name);
    }

    /// <summary>Validates the options at start, binds them from <c>Detectors:&lt;name&gt;</c>, and lets them switch the detector off.</summary>
    private OptionsBuilder<TOptions> BindOptions<TDetector, TOptions>(string name)
        where TDetector : class, IAnomalyDetector
        where TOptions : DetectorOptions
    {
        var options = Services.AddOptions<TOptions>().ValidateOnStart();
        if (Configuration is not null)
        {
            options.Bind(Configuration.GetSection($"Detectors:{name}"));
        }

        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDetectorSwitch, DetectorSwitch<TDetector, TOptions>>());
        return options;
    }
}
