namespace ExecutionSentinel.Watchdog;

/// <summary>How the watchdog reconciles the application's ledger with the cluster.</summary>
/// <remarks>Public because applications configure it.</remarks>
public sealed class ReconcilerOptions
{
    /// <summary>An execution missing from the cluster is not an orphan until it is this old (it may still be registering). Default 60 s.</summary>
    public TimeSpan DispatchGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of an execution with none of its own and no owner's. Default 3600 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(3600);

    /// <summary>
    /// How long a finished Job outlives its end before Kubernetes deletes it (the Jobs' <c>ttlSecondsAfterFinished</c>).
    /// Default 100 s, HyperFlow's. A Job a watch saw finish is remembered (a tombstone) for this plus <see cref="TombstoneGrace"/>,
    /// so that once deleted it is never taken for an orphan.
    /// </summary>
    public TimeSpan FinishedJobTtl { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long after its TTL a Job seen finished is still remembered: at least the time the application may take to
    /// record an end. Default 15 min.
    /// </summary>
    public TimeSpan TombstoneGrace { get; set; } = TimeSpan.FromMinutes(15);
}
