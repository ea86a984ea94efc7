namespace ExecutionSentinel.Probing;

/// <summary>One watch's view of the cluster.</summary>
/// <remarks>Public because custom probes implement it.</remarks>
public interface IClusterProbeSession : IAsyncDisposable
{
    /// <summary>Returns the current state of the workflow's tasks and of the engine's completion signal.</summary>
    /// <param name="cancellationToken">Cancels the observation.</param>
    /// <returns>The observation.</returns>
    /// <remarks>
    /// Throw when the cluster cannot be observed: the sentinel counts consecutive failures to decide that
    /// connectivity is lost, and keeps trying until the watch times out.
    /// </remarks>
    ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken);
}
