using ExecutionSentinel.Probing;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// Observes a HyperFlow workflow on a real cluster: list-then-watch informers over the workflow's task Jobs and pods
/// (see <see cref="KubernetesProbeSession"/>), and the engine's completion signal over exec. One per process, sharing
/// the process's <see cref="IKubernetes"/> client; one session per watch, with resilience pipelines of its own.
/// </summary>
internal sealed class KubernetesClusterProbe : IClusterProbe
{
    private readonly IKubernetes _client;
    private readonly IOptionsMonitor<KubernetesProbeOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Observability.SentinelTelemetry _telemetry;
    private readonly Connection.KubernetesPipelines _pipelines;

    public KubernetesClusterProbe(
        IKubernetes client,
        IOptionsMonitor<KubernetesProbeOptions> options,
        TimeProvider time,
        Observability.SentinelTelemetry telemetry,
        Connection.KubernetesPipelines pipelines,
        ILogger<KubernetesClusterProbe>? logger = null)
    {
        _telemetry = telemetry;
        _pipelines = pipelines;
        _client = client;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Told whenever an informer of any session moves on or fails (a hook for tests).</summary>
    internal Action? InformerProgressed { get; set; }

    /// <summary>The sessions attached now, for tests and health checks.</summary>
    internal List<KubernetesProbeSession> Sessions { get; } = [];

    public async ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = new KubernetesProbeSession(
            _client, context, _options.CurrentValue, _time, _logger, _telemetry, _pipelines);
        session.Pods.Health.Progressed = InformerProgressed;
        session.Jobs.Health.Progressed = InformerProgressed;
        try
        {
            await session.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (Sessions)
        {
            Sessions.Add(session);
        }

        return new TrackedSession(session, this);
    }

    /// <summary>Removes a session from <see cref="Sessions"/> when the watch lets go of it.</summary>
    private sealed class TrackedSession(KubernetesProbeSession inner, KubernetesClusterProbe probe) : IClusterProbeSession, IClusterChangeNotifier
    {
        public ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken) => inner.ObserveAsync(cancellationToken);

        public Task WaitForChangeAsync(CancellationToken cancellationToken) => inner.WaitForChangeAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            lock (probe.Sessions)
            {
                probe.Sessions.Remove(inner);
            }

            await inner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
