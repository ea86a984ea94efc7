using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// List-then-watch for one kind of object in one namespace, done the way client-go's reflector does it: a paginated
/// list, a watch from the list's resource version with bookmarks and a randomised server-side timeout, re-watch from
/// the last version when a watch ends, relist on 410 Gone or on any watch failure (with back-off), and a staleness
/// timer that restarts a watch that went silent.
/// </summary>
/// <typeparam name="T">The kind of object.</typeparam>
internal sealed class ResourceInformer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceApi<T> _api;
    private readonly string _namespace;
    private readonly string _selector;
    private readonly KubernetesProbeOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IInformerSink<T> _sink;
    private readonly object _sinkLock;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Observability.SentinelTelemetry _telemetry;
    private readonly KeyValuePair<string, object?> _resourceTag;
    private TaskCompletionSource _attempted = NewAttempt();

    public ResourceInformer(
        IResourceApi<T> api,
        string @namespace,
        string selector,
        KubernetesProbeOptions options,
        ResiliencePipeline pipeline,
        TimeProvider time,
        ILogger logger,
        IInformerSink<T> sink,
        object sinkLock,
        Observability.SentinelTelemetry telemetry)
    {
        _telemetry = telemetry;
        _resourceTag = new KeyValuePair<string, object?>("resource", api.Resource);
        _api = api;
        _namespace = @namespace;
        _selector = selector;
        _options = options;
        _pipeline = pipeline;
        _time = time;
        _logger = logger;
        _sink = sink;
        _sinkLock = sinkLock;
    }

    public InformerHealth Health { get; } = new();

    public string Resource => _api.Resource;

    /// <summary>
    /// Cuts a failing informer's back-off short and waits for its next list attempt, so that a tick taken after an
    /// outage ends sees the cluster again at once instead of after the back-off.
    /// </summary>
    public async Task RetryNowAsync(CancellationToken cancellationToken)
    {
        var attempted = Volatile.Read(ref _attempted).Task;
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }

        await attempted.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists every page and replaces the cache's objects of this kind. Throws when the list fails.</summary>
    public async Task ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            var items = new List<T>();
            string? continueToken = null;
            string? resourceVersion;
            do
            {
                var token = continueToken;
                var page = await _pipeline.ExecuteAsync(
                    async ct => await _api.ListPageAsync(_namespace, _selector, _options.PageSize, token, ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                items.AddRange(page.Items);
                resourceVersion = page.ResourceVersion;
                continueToken = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
            }
            while (continueToken is not null);

            lock (_sinkLock)
            {
                _sink.Replace(items);
            }

            Health.ResourceVersion = resourceVersion;
            Health.Recovered();
            Log.Listed(_logger, _api.Resource, _namespace, items.Count, resourceVersion);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Health.Failed(ex);
            _telemetry.ProbeFailures.Add(1, _resourceTag);
            throw;
        }
        finally
        {
            Interlocked.Exchange(ref _attempted, NewAttempt()).TrySetResult();
        }
    }

    private static TaskCompletionSource NewAttempt() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Follows changes until cancelled. Call after a successful <see cref="ListAsync"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needsList = false;
        var failuresInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needsList)
                {
                    Health.Relisted();
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needsList = false;
                }

                var outcome = await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                switch (outcome)
                {
                    case WatchOutcome.Ended:
                        failuresInARow = 0;
                        continue;
                    case WatchOutcome.Stale:
                        Health.WatchRestarted();
                        _telemetry.WatchRestarts.Add(1, _resourceTag, new KeyValuePair<string, object?>("reason", "stale"));
                        Log.WatchStale(_logger, _api.Resource, _namespace, _options.StalenessTimeout.TotalSeconds);
                        continue;
                    case WatchOutcome.Gone:
                        _telemetry.WatchRestarts.Add(1, _resourceTag, new KeyValuePair<string, object?>("reason", "gone"));
                        Log.WatchGone(_logger, _api.Resource, _namespace, Health.ResourceVersion);
                        needsList = true;

                        // A first 410 relists at once; repeated ones back off like failures.
                        if (failuresInARow++ == 0)
                        {
                            continue;
                        }

                        break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of the loop is retried after a back-off: the informer must never die.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.InformerFailed(_logger, ex, _api.Resource, _namespace, failuresInARow + 1);
                _telemetry.WatchRestarts.Add(1, _resourceTag, new KeyValuePair<string, object?>("reason", "failure"));
                needsList = true;
                failuresInARow++;
            }

            try
            {
                // A tick that finds the informer failing wakes it (RetryNowAsync) instead of waiting out the back-off.
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(Task.Delay(Backoff(failuresInARow), _time, waiting.Token), _wake.WaitAsync(waiting.Token)).ConfigureAwait(false);
                await waiting.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TimeSpan Backoff(int failuresInARow)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failuresInARow - 1, 0), 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.RelistBackoff.Ticks * factor, _options.MaxRelistBackoff.Ticks));

        // ±20 % jitter so that many sentinels do not relist in step after a shared outage.
        return delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private async Task<WatchOutcome> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var resourceVersion = Health.ResourceVersion ?? "0";
        var timeoutSeconds = (int)(_options.WatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()));
        using var staleness = new CancellationTokenSource(_options.StalenessTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, staleness.Token);
        Exception? streamError = null;
        try
        {
            var stream = _api.WatchAsync(_namespace, _selector, resourceVersion, Math.Max(timeoutSeconds, 1), e => streamError ??= e, linked.Token);
            await foreach (var (type, item) in stream.WithCancellation(linked.Token).ConfigureAwait(false))
            {
                staleness.CancelAfter(_options.StalenessTimeout);
                Health.EventReceived();
                _telemetry.WatchEvents.Add(1, _resourceTag);
                var version = item?.Metadata?.ResourceVersion;
                if (type == WatchEventType.Bookmark || item is null)
                {
                    Health.ResourceVersion = version ?? Health.ResourceVersion;
                    continue;
                }

                if (type == WatchEventType.Error)
                {
                    continue; // The client hands ERROR statuses to onError; an object typed as the resource says nothing.
                }

                lock (_sinkLock)
                {
                    _sink.Apply(type, item);
                }

                Health.ResourceVersion = version ?? Health.ResourceVersion;
            }
        }
        catch (OperationCanceledException) when (staleness.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return WatchOutcome.Stale;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
        {
            return WatchOutcome.Gone;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return streamError switch
        {
            null => WatchOutcome.Ended,
            KubernetesException { Status.Code: 410 } => WatchOutcome.Gone,
            _ => throw new InvalidOperationException($"The watch of {_api.Resource} failed: {streamError.Message}", streamError),
        };
    }

    private enum WatchOutcome
    {
        Ended,
        Stale,
        Gone,
    }
}
