namespace ExecutionSentinel.Probing;

/// <summary>
/// Observes the task executions of a workflow and the engine's completion signal.
/// The sentinel attaches once per watch and then asks its session for one observation per tick.
/// </summary>
/// <remarks>Public because applications and test kits implement it to observe a cluster of their own. 
/// Implementations must be safe to attach from several watches at once; per-watch state belongs in the session.
/// </remarks>
public interface IClusterProbe
{
    /// <summary>Starts observing one workflow.</summary>
    /// <param name="context">The validated context of the watch.</param>
    /// <param name="cancellationToken">Cancels the attach.</param>
    /// <returns>A session that yields observations until it is disposed.</returns>
    /// <remarks>A failure here counts as a failed observation: the sentinel retries on its next tick.</remarks>
    ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken);
}
