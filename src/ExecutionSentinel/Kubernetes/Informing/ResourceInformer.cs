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
internal sealed class ResourceInformer<T>
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

    public ResourceInformer(
        IResourceApi<T> api,
        string @namespace,
        string selector,
        KubernetesProbeOptions options,
        ResiliencePipeline pipeline,
        TimeProvider time,
        ILogger logger,
        IInformerSink<T> sink,
        object sinkLock)
    {
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
            throw;
        }
    }

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
                        Log.WatchStale(_logger, _api.Resource, _namespace, _options.StalenessTimeout.TotalSeconds);
                        continue;
                    case WatchOutcome.Gone:
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
                needsList = true;
                failuresInARow++;
            }

            try
            {
                await Task.Delay(Backoff(failuresInARow), _time, cancellationToken).ConfigureAwait(false);
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
