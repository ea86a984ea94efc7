using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Puts the watchdog between the sentinel and its probe: every observation of a watch the watchdog runs is recorded in
/// <see cref="ObservedJobs"/> before the sentinel sees it, so that interventions aim at what the watch itself observed.
/// </summary>
internal sealed class ObservingProbe(IClusterProbe inner, ObservedJobs observed) : IClusterProbe
{
    public async ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        var session = await inner.AttachAsync(context, cancellationToken).ConfigureAwait(false);
        return observed.ViewOf(context) is { } view ? new Session(session, view) : session;
    }

    private sealed class Session(IClusterProbeSession inner, WatchView view) : IClusterProbeSession, IClusterChangeNotifier
    {
        /// <summary>The inner session's changes, so the watchdog does not slow the watch down to its poll interval.</summary>
        public Task WaitForChangeAsync(CancellationToken cancellationToken) =>
            inner is IClusterChangeNotifier notifier ? notifier.WaitForChangeAsync(cancellationToken) : Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);

        public async ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
        {
            var observation = await inner.ObserveAsync(cancellationToken).ConfigureAwait(false);
            view.Apply(observation);
            return observation;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
