namespace ExecutionSentinel.Probing;

/// <summary>
/// Optional, for a probe session that learns of changes as they happen (a Kubernetes watch): lets the sentinel tick as
/// soon as something that matters changed (a task's phase, a termination, a pod condition, a deletion) instead of at
/// the next poll. The poll interval (<c>SentinelOptions.PollInterval</c>) stays the upper bound between ticks.
/// </summary>
/// <remarks>Public because custom probes may implement it alongside <see cref="IClusterProbeSession"/>.</remarks>
public interface IClusterChangeNotifier
{
    /// <summary>
    /// Completes when something that matters has changed since the last <see cref="IClusterProbeSession.ObserveAsync"/>
    /// began, at once if it already has; never for changes that do not (a bookmark, a resourceVersion bump).
    /// </summary>
    /// <param name="cancellationToken">Ends the wait (the sentinel cancels it when its poll interval comes first).</param>
    /// <returns>A task that completes at the change.</returns>
    Task WaitForChangeAsync(CancellationToken cancellationToken);
}
