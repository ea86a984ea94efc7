using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ExecutionSentinel.Observability;

/// <summary>
/// The library's metrics (one <see cref="Meter"/> named <c>ExecutionSentinel</c>, made by the host's
/// <see cref="IMeterFactory"/> when there is one) and traces (an <see cref="ActivitySource"/> of the same name).
/// </summary>
internal sealed class SentinelTelemetry : IDisposable
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "ExecutionSentinel";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SentinelTelemetry(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Reports = _meter.CreateCounter<long>("execution_sentinel.reports", "{report}", "Reports emitted, by kind and severity.");
        Observations = _meter.CreateCounter<long>("execution_sentinel.observations", "{observation}", "Observations of the cluster, by outcome (success, failure).");
        ObservationDuration = _meter.CreateHistogram<double>("execution_sentinel.observation.duration", "s", "How long one observation of the cluster took.");
        ProbeFailures = _meter.CreateCounter<long>("execution_sentinel.probe.failures", "{failure}", "Failed list, watch or exec calls of the Kubernetes probe, by resource.");
        WatchEvents = _meter.CreateCounter<long>("execution_sentinel.watch.events", "{event}", "Watch events received from the API server, by resource.");
        WatchRestarts = _meter.CreateCounter<long>("execution_sentinel.watch.restarts", "{restart}", "Watches restarted, by resource and reason (stale, gone, failure).");
        TasksTracked = _meter.CreateUpDownCounter<long>("execution_sentinel.tasks.tracked", "{task}", "Tasks the running watches track.");
        HistoryOperations = _meter.CreateCounter<long>("execution_sentinel.history.operations", "{operation}", "Loads and records of the duration history, by operation (load, record) and outcome (success, failure, timeout).");
        Interventions = _meter.CreateCounter<long>("execution_sentinel.interventions", "{intervention}", "Interventions on the cluster, by action and outcome.");
    }

    public static ActivitySource Tracing { get; } = new(Name);

    public Counter<long> Reports { get; }

    public Counter<long> Observations { get; }

    public Histogram<double> ObservationDuration { get; }

    public Counter<long> ProbeFailures { get; }

    public Counter<long> WatchEvents { get; }

    public Counter<long> WatchRestarts { get; }

    public UpDownCounter<long> TasksTracked { get; }

    public Counter<long> Interventions { get; }

    public Counter<long> HistoryOperations { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
