using System.Net;
using System.Net.WebSockets;
using k8s.Autorest;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>
/// The resilience pipeline of list and exec calls: retry with jitter (outermost, honouring <c>Retry-After</c>) →
/// circuit breaker → per-attempt timeout. Never used around a long-lived watch stream.
/// </summary>
internal static class KubernetesResilience
{
    /// <summary>The key of the library's pipeline in Polly's registry, apart from the host's string keys.</summary>
    public static readonly KubernetesPipelineKey PipelineKey = new("ExecutionSentinel.Kubernetes");

    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>What the retry and the breaker handle: transient failures only (<see cref="IsTransient"/>).</summary>
    private static readonly PredicateBuilder<object> Transient = new PredicateBuilder().Handle<Exception>(IsTransient);

    /// <summary>
    /// A pipeline of its own, for one watch and one purpose: a namespace whose exec calls fail must not open the breaker of
    /// its own lists, nor of another watch's.
    /// </summary>
    public static ResiliencePipeline Build(KubernetesProbeOptions options, TimeProvider time, string name) =>
        Configure(new ResiliencePipelineBuilder { TimeProvider = time, Name = name }, options).Build();

    /// <summary>
    /// A pipeline of its own as <see cref="Build(KubernetesProbeOptions, TimeProvider, string)"/> makes, shaped by the
    /// application's hooks (in the order they were registered): they may change or remove the default retry and breaker
    /// (<paramref name="context"/>), and the strategies they add run inside the defaults, once per attempt.
    /// </summary>
    public static ResiliencePipeline Build(
        KubernetesProbeOptions options, TimeProvider time, KubernetesResilienceContext context, IReadOnlyList<Action<ResiliencePipelineBuilder, KubernetesResilienceContext>> hooks)
    {
        if (hooks.Count == 0)
        {
            return Build(options, time, context.PipelineName);
        }

        context.Retry = DefaultRetry(options);
        context.CircuitBreaker = DefaultCircuitBreaker(options);
        var added = new ResiliencePipelineBuilder { TimeProvider = time, Name = context.PipelineName };
        foreach (var hook in hooks)
        {
            hook(added, context);
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time, Name = context.PipelineName };
        if (context.Retry is { } retry)
        {
            builder.AddRetry(retry);
        }

        if (context.CircuitBreaker is { } breaker)
        {
            builder.AddCircuitBreaker(breaker);
        }

        return builder.AddTimeout(options.RequestTimeout).AddPipeline(added.Build()).Build();
    }

    public static ResiliencePipelineBuilder Configure(ResiliencePipelineBuilder builder, KubernetesProbeOptions options)
    {
        if (DefaultRetry(options) is { } retry)
        {
            builder.AddRetry(retry);
        }

        return builder
            .AddCircuitBreaker(DefaultCircuitBreaker(options))
            .AddTimeout(options.RequestTimeout);
    }

    /// <summary>The default retry (a new instance each time), or <see langword="null"/> when no retry is configured.</summary>
    private static RetryStrategyOptions? DefaultRetry(KubernetesProbeOptions options) => options.MaxRetries <= 0 ? null : new RetryStrategyOptions
    {
        ShouldHandle = Transient,
        MaxRetryAttempts = options.MaxRetries,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(500),
        MaxDelay = TimeSpan.FromSeconds(10),
        DelayGenerator = static args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
    };

    /// <summary>The default circuit breaker (a new instance each time).</summary>
    private static CircuitBreakerStrategyOptions DefaultCircuitBreaker(KubernetesProbeOptions options) => new()
    {
        ShouldHandle = Transient,
        FailureRatio = 0.5,
        MinimumThroughput = 6,
        SamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = options.CircuitBreakDuration,
    };


    /// <summary>Whether a failure may pass: the network, the server's 5xx, 429 and 408, a timed-out attempt.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpOperationException http => http.Response?.StatusCode is { } code
            && ((int)code >= 500 || code is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout),
        HttpRequestException or IOException or WebSocketException or TimeoutRejectedException => true,
        System.Text.Json.JsonException => true, // A truncated or garbled body: the next attempt may read a whole one.
        _ => false,
    };

    private static TimeSpan? RetryAfter(Exception? exception)
    {
        if (exception is not HttpOperationException { Response: { } response }
            || response.StatusCode != HttpStatusCode.TooManyRequests
            || response.Headers is null
            || !response.Headers.TryGetValue("Retry-After", out var values))
        {
            return null;
        }

        var value = values.FirstOrDefault();
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, MaxRetryAfter.TotalSeconds))
            : null;
    }
}

/// <summary>Keys the library's pipelines in Polly's registry.</summary>
/// <param name="Name">The pipeline's name.</param>
internal readonly record struct KubernetesPipelineKey(string Name);
