using Polly;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>
/// Builds the library's Kubernetes resilience pipelines (one per watch and purpose, and the watchdog's), each shaped by
/// the application's hooks (<c>ConfigureKubernetesResilience</c>) after the library's defaults.
/// </summary>
internal sealed class KubernetesPipelines(IServiceProvider services, TimeProvider time, IEnumerable<KubernetesResilienceHook> hooks)
{
    private readonly Action<ResiliencePipelineBuilder, KubernetesResilienceContext>[] _hooks = [.. hooks.Select(h => h.Configure)];

    /// <param name="options">The probe's options (retries, breaker, per-attempt timeout).</param>
    /// <param name="kind">Which pipeline.</param>
    /// <param name="name">The pipeline's name.</param>
    /// <param name="namespace">The watched namespace, for a watch's pipelines.</param>
    public ResiliencePipeline Build(KubernetesProbeOptions options, KubernetesPipelineKind kind, string name, string? @namespace = null) =>
        KubernetesResilience.Build(options, time, new KubernetesResilienceContext(kind, name, @namespace, services), _hooks);
}

/// <summary>One application hook, as registered (in order) in the service collection.</summary>
internal sealed record KubernetesResilienceHook(Action<ResiliencePipelineBuilder, KubernetesResilienceContext> Configure);
