using Polly.CircuitBreaker;
using Polly.Retry;

namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// One of the library's Kubernetes resilience pipelines being built, as handed to the application's hook
/// (<c>ConfigureKubernetesResilience</c>): which pipeline it is, and the library's default strategies, which the hook may
/// change, replace or remove before they are added.
/// </summary>
/// <remarks>Public because <c>ConfigureKubernetesResilience</c> hands it to the application's hook. 
/// The pipeline is, outermost first: <see cref="Retry"/> → <see cref="CircuitBreaker"/> → a per-attempt timeout of
/// <see cref="KubernetesProbeOptions.RequestTimeout"/> (always there: it bounds every call) → the strategies the hook added
/// to its builder, in the order it added them, so those run once per attempt.
/// </remarks>
public sealed class KubernetesResilienceContext
{
    internal KubernetesResilienceContext(KubernetesPipelineKind kind, string pipelineName, string? @namespace, IServiceProvider services)
    {
        Kind = kind;
        PipelineName = pipelineName;
        Namespace = @namespace;
        Services = services;
    }

    /// <summary>Which pipeline it is: what calls go through it.</summary>
    public KubernetesPipelineKind Kind { get; }

    /// <summary>The pipeline's name (Polly's <c>ResiliencePipelineBuilder.Name</c>), e.g. <c>wf-1000g/reads</c>, <c>watchdog/jobs</c>.</summary>
    public string PipelineName { get; }

    /// <summary>The watched workflow's namespace for a watch's pipelines; <see langword="null"/> for the watchdog's.</summary>
    public string? Namespace { get; }

    /// <summary>The application's services (a logger factory, a meter factory…).</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// The library's retry (exponential back-off with jitter from 500 ms to 10 s, <c>Retry-After</c> honoured, transient
    /// failures only: network, 5xx, 429, 408, a timed-out attempt), <see cref="KubernetesProbeOptions.MaxRetries"/>
    /// attempts; <see langword="null"/> when that is 0. Change it, replace it, or set it to <see langword="null"/> to have none.
    /// </summary>
    public RetryStrategyOptions? Retry { get; set; }

    /// <summary>
    /// The library's circuit breaker (opens when half the calls of 30 s, at least 6, failed transiently; stays open
    /// <see cref="KubernetesProbeOptions.CircuitBreakDuration"/>). Change it, replace it, or set it to
    /// <see langword="null"/> to have none.
    /// </summary>
    public CircuitBreakerStrategyOptions? CircuitBreaker { get; set; }
}

/// <summary>The library's Kubernetes resilience pipelines: one of each per watch, and the watchdog's.</summary>
/// <remarks>Public because the application's resilience hook tells the pipelines apart by it.</remarks>
public enum KubernetesPipelineKind
{
    /// <summary>A watch's reads: the informers' lists of task Jobs and pods (every page), the engine pod's read. Never a watch stream.</summary>
    ProbeReads = 0,

    /// <summary>A watch's exec into the engine pod (reading its completion signal).</summary>
    ProbeExec = 1,

    /// <summary>The watchdog's re-read of a Job before deleting it (the delete itself is tried once, outside any pipeline).</summary>
    WatchdogJobs = 2,

    /// <summary>The reconciler's reads of the executions' Jobs.</summary>
    WatchdogExecutions = 3,

    /// <summary>The reads of the Lease that holds the hourly limit's record, with leader election (its writes are tried once).</summary>
    WatchdogLease = 4,
}
