using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Probing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses and configures the Kubernetes probe.</summary>
public static class KubernetesSentinelBuilderExtensions
{
    /// <summary>
    /// Observes a real cluster through the Kubernetes probe (the default; this undoes an earlier choice of another probe)
    /// and changes its options, if <paramref name="configure"/> is given.
    /// </summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="configure">Changes the probe's options.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseKubernetes(this ISentinelBuilder builder, Action<KubernetesProbeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseClusterProbe<KubernetesClusterProbe>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }
}
