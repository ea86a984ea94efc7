using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// List-then-watch for one kind of object in one namespace: a paginated list, then a watch from the list's resource
/// version with bookmarks and a randomised server-side timeout. A watch that ends, fails or goes silent is resumed from the
/// last resource version it reached, so the server replays what happened meanwhile (a Job that finished and was deleted
/// by its TTL during an outage is seen finishing); only 410 Gone (the version left the server's history) makes it relist.
/// </summary>
/// <remarks>
/// Its <see cref="Health"/> says whether the view is current: a failed list or watch marks it failed until the server is
/// heard again. A list taken while the watch runs (<see cref="ListAsync"/>, to bring the view up to date) sets a floor:
/// watch events at or below the list's resource version are older than the list and are skipped.
/// </remarks>
/// <remarks>
/// Objects are projected as they are read (<see cref="IResourceApi{TFacts}"/>): a list keeps only the facts of the pages
/// read so far and hands them to the sink in one <see cref="IInformerSink{TFacts}.Replace"/> once the last page is in, so
/// the cache is replaced atomically (a tick never sees half a list) and an object missing from the list is known gone.
/// </remarks>
/// <typeparam name="T">What the probe keeps of one object of the kind (<c>PodFacts</c>, <c>JobFacts</c>).</typeparam>
internal sealed class ResourceInformer<T> : IInformer
    where T : class
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

    // The resource version of the newest list applied: watch events at or below it are older than the cache.
    private long _floor = -1;
    private long _lastEventTicks = long.MinValue;

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
    /// Cuts a failing informer's back-off short and waits, at most <see cref="KubernetesProbeOptions.RequestTimeout"/>, for
    /// its next attempt, so that a tick taken after an outage ends sees the cluster again at once.
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

        try
        {
            await attempted.WaitAsync(_options.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still trying: the tick goes on with what it has, and counts as failed if the informer still is.
        }
    }

    /// <summary>
    /// Waits until the watch has delivered nothing for <paramref name="quiet"/> (or fails), at most <paramref name="bound"/>:
    /// a watch resumed after an outage may still be replaying what happened meanwhile (a task finishing, then deleted by
    /// its TTL), and a list applied in the middle would cut that history short.
    /// </summary>
    public async Task WaitForQuietAsync(TimeSpan quiet, TimeSpan bound, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + bound;
        while (true)
        {
            var now = _time.GetUtcNow();
            var last = Interlocked.Read(ref _lastEventTicks);
            if (last == long.MinValue || Health.Failure is not null || now >= deadline)
            {
                return;
            }

            var quietFrom = new DateTimeOffset(last, TimeSpan.Zero) + quiet;
            if (now >= quietFrom)
            {
                return;
            }

            await Task.Delay((quietFrom < deadline ? quietFrom : deadline) - now, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists every page and replaces the cache's objects of this kind. Throws when the list fails.</summary>
    public async Task ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            var items = new List<T>();
            string? continueToken = null;
            string? resourceVersion;

            // A server (or proxy) that hands back a token already followed would be listed for ever, the list growing.
            var followed = new HashSet<string>(StringComparer.Ordinal);
            do
            {
                if (continueToken is not null && !followed.Add(continueToken))
                {
                    throw new InvalidOperationException($"The list of {_api.Resource} came back to a continue token it had already followed: the server's pagination loops.");
                }

                var token = continueToken;
                var page = await _pipeline.ExecuteAsync(
                    // WaitAsync: the attempt's timeout cancels the token, and the wait must end then even if the client's
                    // read of a stalled body does not.
                    async ct => await _api.ListPageAsync(_namespace, _selector, _options.PageSize, token, ct).WaitAsync(ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                items.AddRange(page.Items);
                resourceVersion = page.ResourceVersion;
                continueToken = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
            }
            while (continueToken is not null);

            var now = _time.GetUtcNow();
            var version = Numeric(resourceVersion);
            lock (_sinkLock)
            {
                // Two lists may race (a relist after 410 and a tick's catch-up): never let the older one win.
                if (version is null || version.Value >= _floor)
                {
                    var unobservedFor = Health.LastHeard is { } heard ? now - heard : TimeSpan.Zero;
                    _sink.Replace(items, unobservedFor);
                    _floor = version ?? _floor;
                    if (IsNewer(resourceVersion, Health.ResourceVersion))
                    {
                        Health.ResourceVersion = resourceVersion;
                    }
                }
            }

            Health.Heard(now);
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
            Attempted();
        }
    }

    private void Attempted() => Interlocked.Exchange(ref _attempted, NewAttempt()).TrySetResult();

    private static TaskCompletionSource NewAttempt() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Follows changes until cancelled. Call after a successful <see cref="ListAsync"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needsList = false;
        var failuresInARow = 0;
        var gonesInARow = 0;
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
                        gonesInARow = 0;
                        continue;
                    case WatchOutcome.EndedEmpty:
                        // Ended with nothing, not even a bookmark: a proxy that cuts every watch, or a server answering an
                        // empty 200. Reopened at once, it would be reopened as fast as the server answers: wait as after a
                        // first failure (the next watch resumes from the same version, so nothing is missed).
                        failuresInARow = 0;
                        gonesInARow = 0;
                        break;
                    case WatchOutcome.Stale:
                        Health.WatchRestarted();
                        _telemetry.WatchRestarts.Add(1, _resourceTag, new KeyValuePair<string, object?>("reason", "stale"));
                        Log.WatchStale(_logger, _api.Resource, _namespace, _options.StalenessTimeout.TotalSeconds);
                        continue;
                    case WatchOutcome.Gone:
                        _telemetry.WatchRestarts.Add(1, _resourceTag, new KeyValuePair<string, object?>("reason", "gone"));
                        Log.WatchGone(_logger, _api.Resource, _namespace, Health.ResourceVersion);
                        needsList = true;

                        // The server answered, so earlier failures are over: a first 410 relists at once (even right
                        // after an outage); repeated ones back off like failures.
                        failuresInARow = 0;
                        if (gonesInARow++ == 0)
                        {
                            continue;
                        }

                        failuresInARow = gonesInARow;
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
                // The view stops being current now, not when a later list fails; it resumes from where it was.
                Health.Failed(ex);
                Attempted();
                Log.InformerFailed(_logger, ex, _api.Resource, _namespace, failuresInARow + 1);
                _telemetry.WatchRestarts.Add(1, _resourceTag, new KeyValuePair<string, object?>("reason", "failure"));
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

        // ±20 % jitter so that many sentinels do not reconnect in step after a shared outage.
        return delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private async Task<WatchOutcome> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var resourceVersion = Health.ResourceVersion ?? "0";
        var timeoutSeconds = (int)Math.Min(_options.WatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()), int.MaxValue);
        using var staleness = new CancellationTokenSource(_options.StalenessTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, staleness.Token);
        Exception? streamError = null;
        var delivered = false;
        try
        {
            var stream = _api.WatchAsync(_namespace, _selector, resourceVersion, Math.Max(timeoutSeconds, 1), e => streamError ??= e, linked.Token);
            await foreach (var (type, item, resourceVersionOf) in stream.WithCancellation(linked.Token).ConfigureAwait(false))
            {
                staleness.CancelAfter(_options.StalenessTimeout);
                delivered = true;
                _telemetry.WatchEvents.Add(1, _resourceTag);
                if (type == WatchEventType.Error)
                {
                    continue; // The client hands ERROR statuses to onError; an object typed as the resource says nothing.
                }

                Health.EventReceived();
                Interlocked.Exchange(ref _lastEventTicks, _time.GetUtcNow().UtcTicks);
                var version = resourceVersionOf;
                if (type != WatchEventType.Bookmark && item is not null)
                {
                    lock (_sinkLock)
                    {
                        if (Numeric(version) is not { } at || at > _floor)
                        {
                            _sink.Apply(type, item);
                        }
                    }
                }

                if (IsNewer(version, Health.ResourceVersion))
                {
                    Health.ResourceVersion = version;
                }

                Health.Heard(_time.GetUtcNow());
                Attempted();
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
        switch (streamError)
        {
            case null:
                Health.Heard(_time.GetUtcNow()); // The server ended the stream at its timeout: it is there.
                return delivered ? WatchOutcome.Ended : WatchOutcome.EndedEmpty;
            case KubernetesException { Status.Code: 410 }:
                return WatchOutcome.Gone;
            default:
                throw new InvalidOperationException($"The watch of {_api.Resource} failed: {streamError.Message}", streamError);
        }
    }

    /// <summary>Resource versions are etcd revisions in every API server in use; when one is not a number, no order is assumed.</summary>
    private static long? Numeric(string? resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool IsNewer(string? candidate, string? current) =>
        candidate is not null && (Numeric(candidate) is not { } next || Numeric(current) is not { } now || next >= now);

    private enum WatchOutcome
    {
        Ended,
        EndedEmpty,
        Stale,
        Gone,
    }
}
