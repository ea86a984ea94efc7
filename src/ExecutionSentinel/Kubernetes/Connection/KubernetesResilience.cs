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

    /// <summary>
    /// A pipeline of its own, for one watch and one purpose: a namespace whose exec calls fail must not open the breaker of
    /// its own lists, nor of another watch's.
    /// </summary>
    public static ResiliencePipeline Build(KubernetesProbeOptions options, TimeProvider time, string name) =>
        Configure(new ResiliencePipelineBuilder { TimeProvider = time, Name = name }, options).Build();

    public static ResiliencePipelineBuilder Configure(ResiliencePipelineBuilder builder, KubernetesProbeOptions options)
    {
        var shouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = shouldHandle,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(10),
                DelayGenerator = static args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = shouldHandle,
                FailureRatio = 0.5,
                MinimumThroughput = 6,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.CircuitBreakDuration,
            })
            .AddTimeout(options.RequestTimeout);
    }

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
