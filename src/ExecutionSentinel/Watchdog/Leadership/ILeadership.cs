namespace ExecutionSentinel.Watchdog;

/// <summary>Whether this replica may act. All replicas observe; only the leader intervenes.</summary>
internal interface ILeadership
{
    /// <summary>Whether this replica leads now. Turns false at once when the lease is lost.</summary>
    bool IsLeader { get; }
}

/// <summary>A single replica: always the leader (the default when no leader election is configured).</summary>
internal sealed class SingleReplicaLeadership : ILeadership
{
    /// <inheritdoc />
    public bool IsLeader => true;
}
