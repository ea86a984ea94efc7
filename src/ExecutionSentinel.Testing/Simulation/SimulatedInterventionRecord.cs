using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Testing;

/// <summary>
/// The watchdog's hourly record for a <see cref="SimulatedCluster"/>, kept in the cluster itself as a real cluster keeps it
/// on the election's Lease: a conductor "restarted" in a test (a new service provider on the same cluster) still counts
/// the last hour, and a new cluster starts with none, as a cluster nothing was ever deleted from. It is durable exactly as
/// long as the deletions it limits, so an enabled watchdog on a simulated cluster needs neither leader election nor
/// checkpoints; on a real cluster that rule stands.
/// </summary>
internal sealed class SimulatedInterventionRecord : IInterventionRecord
{
    private readonly MemoryInterventionRecord _times = new();

    public string Where => "the simulated cluster (kept as long as the SimulatedCluster instance)";

    public ValueTask<InterventionOutcome?> TryRecordAsync(DateTimeOffset now, int maxPerHour, Func<bool> mayWrite, CancellationToken cancellationToken) =>
        _times.TryRecordAsync(now, maxPerHour, mayWrite, cancellationToken);
}
