using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Probing;
using Polly;

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

    /// <summary>
    /// Shapes the library's Kubernetes resilience pipelines: each watch's reads (lists of task Jobs and pods, the engine
    /// pod's read) and exec (the engine's signal), and the watchdog's reads (a Job before deleting it, the reconciler's
    /// executions, the Lease holding the hourly record). Watch streams and writes (deletes, Lease updates) never go through
    /// a pipeline. The hook is applied after the library's defaults: <see cref="KubernetesResilienceContext.Retry"/> and
    /// <see cref="KubernetesResilienceContext.CircuitBreaker"/> hold them and may be changed, replaced or removed; the
    /// strategies added to the builder run inside them (retry → circuit breaker → per-attempt timeout → yours), once per
    /// attempt. Several hooks apply in the order they were added. Pipelines are built when a watch attaches, and once for
    /// the watchdog.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddExecutionSentinel()
    ///         .ConfigureKubernetesResilience((pipeline, context) =>
    ///         {
    ///             context.Retry!.MaxRetryAttempts = 5;                                  // change the library's retry
    ///             pipeline.AddTimeout(TimeSpan.FromSeconds(5));                          // add a strategy of your own
    ///         });
    /// </code>
    /// </example>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="configure">Called for each pipeline built, with a builder for the strategies to add and the pipeline's context.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder ConfigureKubernetesResilience(this ISentinelBuilder builder, Action<ResiliencePipelineBuilder, KubernetesResilienceContext> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSingleton(new KubernetesResilienceHook(configure));
        return builder;
    }
}
