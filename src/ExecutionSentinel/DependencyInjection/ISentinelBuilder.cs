using ExecutionSentinel.Detection;
using ExecutionSentinel.Detectors;
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

    /// <summary>
    /// Adds a detector with options of its own: <typeparamref name="TOptions"/> binds from <c>Detectors:&lt;name&gt;</c> of the
    /// section given to <c>AddExecutionSentinel(IConfiguration)</c> (such as <c>ExecutionSentinel:Detectors:MyCheck:Limit</c>),
    /// is checked at start against its data annotations (<c>[Range]</c>, <c>[Required]</c>…; for other rules register an
    /// <see cref="Microsoft.Extensions.Options.IValidateOptions{TOptions}"/>), and its <see cref="DetectorOptions.Enabled"/>
    /// turns the detector off. The detector reads them through <c>IOptionsMonitor&lt;TOptions&gt;</c>.
    /// </summary>
    /// <typeparam name="TDetector">The detector's type, resolved from DI as a singleton.</typeparam>
    /// <typeparam name="TOptions">Its options.</typeparam>
    /// <param name="name">The name of its configuration section under <c>Detectors</c>.</param>
    /// <returns>The builder.</returns>
    ISentinelBuilder AddDetector<TDetector, TOptions>(string name)
        where TDetector : class, IAnomalyDetector
        where TOptions : DetectorOptions, new();

    /// <summary>
    /// Changes a detector's options in code, after configuration: <c>ConfigureDetector&lt;StragglerDetectorOptions&gt;(o =&gt; o.Multiplier = 4)</c>,
    /// or <c>o =&gt; o.Enabled = false</c> to turn a detector off.
    /// </summary>
    /// <typeparam name="TOptions">The detector's options.</typeparam>
    /// <param name="configure">Changes them.</param>
    /// <returns>The builder.</returns>
    ISentinelBuilder ConfigureDetector<TOptions>(Action<TOptions> configure)
        where TOptions : DetectorOptions;

    /// <summary>
    /// Removes every detector of a type added with <c>AddDetector</c>. A built-in detector is turned off with its options'
    /// <see cref="DetectorOptions.Enabled"/> instead.
    /// </summary>
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
