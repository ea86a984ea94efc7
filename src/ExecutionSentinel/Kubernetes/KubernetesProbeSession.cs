using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Kubernetes.Informing;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Kubernetes.Signals;
using ExecutionSentinel.Probing;
using k8s;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// One watch's informers (task pods and task Jobs) feeding one <see cref="WorkflowCache"/>, and the engine's signal. In
/// watch mode the informers run in the background and an observation only snapshots the cache; in poll mode each
/// observation lists. Once the engine has signalled, every observation lists: the signal travels faster than the Job
/// controller's updates, so the view is brought up to date (a list taken after the signal was read) before the
/// sentinel counts anything for the summary.
/// </summary>
internal sealed class KubernetesProbeSession : IClusterProbeSession, IClusterChangeNotifier, IInformerSink<PodFacts>, IInformerSink<JobFacts>
{
    /// <summary>A watch that has delivered nothing for this long is taken to have replayed what it missed.</summary>
    private static readonly TimeSpan ReplayQuiet = TimeSpan.FromSeconds(1);

    private readonly MonitoringContext _context;
    private readonly KubernetesProbeOptions _options;
    private readonly EngineSignalReader _signal;
    private readonly TimeProvider _time;
    private readonly WorkflowCache _cache;
    private readonly ILogger _logger;
    private readonly object _cacheLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ChangeLatch _changed = new();
    private Task _informing = Task.CompletedTask;
    private bool _engineSignalled;
    private EngineReading? _lastEngine;
    private DateTimeOffset _lastEngineReadAt;

    public KubernetesProbeSession(
        IKubernetes client,
        MonitoringContext context,
        KubernetesProbeOptions options,
        TimeProvider time,
        ILogger logger,
        Observability.SentinelTelemetry telemetry,
        KubernetesPipelines pipelines)
    {
        _context = context;
        _options = options;
        _time = time;
        _logger = logger;
        _cache = new WorkflowCache(context, options.TaskTypeLabel);

        // Each watch has its own breakers, and exec has its own: failing exec calls must not stop the lists.
        var reads = pipelines.Build(options, KubernetesPipelineKind.ProbeReads, $"{context.Namespace}/reads", context.Namespace);
        var exec = pipelines.Build(options, KubernetesPipelineKind.ProbeExec, $"{context.Namespace}/exec", context.Namespace);
        _signal = new EngineSignalReader(client, exec, reads, options, logger);
        Pods = new ResourceInformer<PodFacts>(ResourceApis.Pods(client, options.TaskTypeLabel), context.Namespace, options.TaskLabelSelector, options, reads, time, logger, this, _cacheLock, telemetry);
        Jobs = new ResourceInformer<JobFacts>(
            ResourceApis.Jobs(client, options.TaskTypeLabel), context.Namespace, options.JobLabelSelector ?? options.TaskLabelSelector, options, reads, time, logger, this, _cacheLock, telemetry);
    }

    public ResourceInformer<PodFacts> Pods { get; }

    /// <summary>Whether this session lists on every observation instead of watching.</summary>
    public bool IsPolling => _options.Mode == KubernetesProbeMode.Poll;

    public ResourceInformer<JobFacts> Jobs { get; }

    /// <summary>Lists both kinds (so the first observation is complete), then starts following changes in watch mode.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Jobs first: they name the tasks, and are fewer.
        await ListAsync(Jobs, "list", cancellationToken).ConfigureAwait(false);
        await ListAsync(Pods, "list", cancellationToken).ConfigureAwait(false);
        lock (_cacheLock)
        {
            Log.Attached(_logger, _context.Namespace, _options.Mode, _cache.PodCount, _cache.JobCount);
        }

        if (_options.Mode == KubernetesProbeMode.Watch)
        {
            _informing = Task.WhenAll(
                Task.Run(() => Jobs.RunAsync(_stop.Token), CancellationToken.None),
                Task.Run(() => Pods.RunAsync(_stop.Token), CancellationToken.None));
        }
    }

    /// <summary>
    /// In watch mode, completes when the informers have brought a change that matters since the last observation began;
    /// in poll mode, never (nothing is learned between observations).
    /// </summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) =>
        _options.Mode == KubernetesProbeMode.Watch
            ? _changed.WaitAsync(cancellationToken)
            : Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);

    public async ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        var woken = _changed.IsSet; // A change came since the last observation: this tick may be one it woke.
        _changed.Rearm(); // What changes from here on is either in this snapshot or wakes the next tick.
        if (_options.Mode == KubernetesProbeMode.Watch && !_engineSignalled)
        {
            await RetryFailingAsync(cancellationToken).ConfigureAwait(false);
            EnsureCurrent();
        }

        // The signal is read before the tasks are counted: whatever it says happened before the list or snapshot below.
        // A tick a change may have woken reads it only when no task runs or the last read is old (each read is an exec);
        // a tick with no change since the last is the poll's, and reads it as it always has.
        var now = _time.GetUtcNow();
        TaskObservation[]? current = null;
        if (woken && _lastEngine is { } last && now - _lastEngineReadAt < _options.SignalReadInterval && _options.Mode == KubernetesProbeMode.Watch
            && AnyUnfinished(current = Snapshot()))
        {
            return Observation(current, last);
        }

        var engine = await _signal.ReadAsync(_context, cancellationToken).ConfigureAwait(false);
        (_lastEngine, _lastEngineReadAt) = (engine, now);
        _engineSignalled |= engine.Signal is { ExitCode: not null } or { IsEndMarker: true };
        if (_engineSignalled && _options.Mode == KubernetesProbeMode.Watch)
        {
            // Let a watch that is replaying what it missed finish first: the list below would cut that history short.
            await Task.WhenAll(
                Jobs.WaitForQuietAsync(ReplayQuiet, _options.RequestTimeout, cancellationToken),
                Pods.WaitForQuietAsync(ReplayQuiet, _options.RequestTimeout, cancellationToken)).ConfigureAwait(false);
        }

        if (_options.Mode == KubernetesProbeMode.Poll || _engineSignalled)
        {
            await ListAsync(Jobs, "list", cancellationToken).ConfigureAwait(false);
            await ListAsync(Pods, "list", cancellationToken).ConfigureAwait(false);
        }

        return Observation(Snapshot(), engine);
    }

    private static ClusterObservation Observation(TaskObservation[] tasks, EngineReading engine) => new()
    {
        Tasks = tasks,
        EngineSignal = engine.Signal,
        EnginePodPresent = engine.EnginePodPresent,
        SignalReadFailure = engine.Failure,
    };

    private static bool AnyUnfinished(TaskObservation[] tasks)
    {
        foreach (var task in tasks)
        {
            if (!task.IsFinished && !task.IsGone)
            {
                return true;
            }
        }

        return false;
    }

    private TaskObservation[] Snapshot()
    {
        lock (_cacheLock)
        {
            return _cache.Snapshot();
        }
    }

    /// <summary>Throws when an informer's view is not current: it failed, or has not heard from the server for too long.</summary>
    private void EnsureCurrent()
    {
        var now = _time.GetUtcNow();
        foreach (var informer in new IInformer[] { Pods, Jobs })
        {
            if (informer.Health.Failure is { } failure)
            {
                throw Unavailable(informer, "follow", failure);
            }

            if (informer.Health.LastHeard is { } heard && now - heard > _options.MaxSilence)
            {
                throw new ClusterUnavailableException(
                    $"The view of {informer.Resource} in namespace '{_context.Namespace}' is stale: nothing heard from the API server for {Format.Duration(now - heard)}.");
            }
        }
    }

    private async Task ListAsync(IInformer informer, string verb, CancellationToken cancellationToken)
    {
        try
        {
            await informer.ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(informer, verb, ex);
        }
    }

    private Exception Unavailable(IInformer informer, string verb, Exception failure)
    {
        var watching = verb == "follow" && _options.Mode == KubernetesProbeMode.Watch;
        if (KubernetesFailures.AccessDenied(failure, watching && failure is not ClusterAccessDeniedException ? "watch" : "list", informer.Resource, _context.Namespace) is { } denied)
        {
            return new ClusterAccessDeniedException(denied, failure);
        }

        return new ClusterUnavailableException(
            $"Cannot {(watching ? "follow" : "list")} {informer.Resource} in namespace '{_context.Namespace}': {failure.Message}", failure);
    }

    private async Task RetryFailingAsync(CancellationToken cancellationToken)
    {
        var retries = new List<Task>(2);
        foreach (var informer in new IInformer[] { Pods, Jobs })
        {
            if (informer.Health.Failure is not null)
            {
                retries.Add(informer.RetryNowAsync(cancellationToken));
            }
        }

        if (retries.Count > 0)
        {
            await Task.WhenAll(retries).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _informing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    // The informers call these under the cache's lock, one at a time; a change that matters wakes the sentinel.
    void IInformerSink<PodFacts>.Replace(IReadOnlyList<PodFacts> items, TimeSpan unobservedFor)
    {
        var before = _cache.Changes;
        _cache.ReplacePodFacts(items);
        Changed(before);
    }

    void IInformerSink<PodFacts>.Apply(WatchEventType type, PodFacts item)
    {
        var before = _cache.Changes;
        _cache.Apply(type, item);
        Changed(before);
    }

    void IInformerSink<JobFacts>.Replace(IReadOnlyList<JobFacts> items, TimeSpan unobservedFor)
    {
        var before = _cache.Changes;
        _cache.ReplaceJobFacts(items, unobservedFor);
        Changed(before);
    }

    void IInformerSink<JobFacts>.Apply(WatchEventType type, JobFacts item)
    {
        var before = _cache.Changes;
        _cache.Apply(type, item);
        Changed(before);
    }

    private void Changed(long before)
    {
        if (_cache.Changes != before)
        {
            _changed.Set();
        }
    }
}
