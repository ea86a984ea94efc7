using ExecutionSentinel.Kubernetes.Informing;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Kubernetes.Signals;
using ExecutionSentinel.Probing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// One watch's informers (task pods and task Jobs) feeding one <see cref="WorkflowCache"/>. In watch mode the informers
/// run in the background and an observation only snapshots the cache; in poll mode each observation lists.
/// </summary>
internal sealed class KubernetesProbeSession : IClusterProbeSession, IInformerSink<V1Pod>, IInformerSink<V1Job>
{
    private readonly MonitoringContext _context;
    private readonly KubernetesProbeOptions _options;
    private readonly EngineSignalReader _signal;
    private readonly ILogger _logger;
    private readonly WorkflowCache _cache;
    private readonly object _cacheLock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _informing = Task.CompletedTask;

    public KubernetesProbeSession(
        IKubernetes client,
        MonitoringContext context,
        KubernetesProbeOptions options,
        Polly.ResiliencePipeline pipeline,
        TimeProvider time,
        ILogger logger,
        Observability.SentinelTelemetry telemetry)
    {
        _context = context;
        _options = options;
        _logger = logger;
        _cache = new WorkflowCache(context, options.TaskTypeLabel);
        _signal = new EngineSignalReader(client, pipeline, options, logger);
        Pods = new ResourceInformer<V1Pod>(ResourceApis.Pods(client), context.Namespace, options.TaskLabelSelector, options, pipeline, time, logger, this, _cacheLock, telemetry);
        Jobs = new ResourceInformer<V1Job>(
            ResourceApis.Jobs(client), context.Namespace, options.JobLabelSelector ?? options.TaskLabelSelector, options, pipeline, time, logger, this, _cacheLock, telemetry);
    }

    public ResourceInformer<V1Pod> Pods { get; }

    /// <summary>Whether this session lists on every observation instead of watching.</summary>
    public bool IsPolling => _options.Mode == KubernetesProbeMode.Poll;

    public ResourceInformer<V1Job> Jobs { get; }

    /// <summary>Lists both kinds (so the first observation is complete), then starts following changes in watch mode.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Jobs first: a pod's task is named by its Job's inventory entry, and Jobs are fewer.
        await Jobs.ListAsync(cancellationToken).ConfigureAwait(false);
        await Pods.ListAsync(cancellationToken).ConfigureAwait(false);
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

    public async ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        if (_options.Mode == KubernetesProbeMode.Poll)
        {
            await Jobs.ListAsync(cancellationToken).ConfigureAwait(false);
            await Pods.ListAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RetryFailingAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var informer in new IInformer[] { Pods, Jobs })
        {
            if (informer.Health.Failure is { } failure)
            {
                throw new ClusterUnavailableException($"Cannot list {informer.Resource} in namespace '{_context.Namespace}': {failure.Message}", failure);
            }
        }

        TaskObservation[] tasks;
        lock (_cacheLock)
        {
            tasks = _cache.Snapshot();
        }

        var engine = await _signal.ReadAsync(_context, tasks, cancellationToken).ConfigureAwait(false);
        return new ClusterObservation { Tasks = tasks, EngineSignal = engine.Signal, EnginePodPresent = engine.EnginePodPresent };
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

    void IInformerSink<V1Pod>.Replace(IReadOnlyList<V1Pod> items) => _cache.ReplacePods(items);

    void IInformerSink<V1Pod>.Apply(WatchEventType type, V1Pod item) => _cache.Apply(type, item);

    void IInformerSink<V1Job>.Replace(IReadOnlyList<V1Job> items) => _cache.ReplaceJobs(items);

    void IInformerSink<V1Job>.Apply(WatchEventType type, V1Job item) => _cache.Apply(type, item);
}
