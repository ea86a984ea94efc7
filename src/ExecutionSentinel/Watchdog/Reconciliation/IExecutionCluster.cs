namespace ExecutionSentinel.Watchdog;

/// <summary>What the cluster says of one execution.</summary>
internal interface IExecutionCluster
{
    /// <summary>Reads the execution's state. Must return <see cref="ClusterPresence.Unknown"/>, not throw, when the cluster cannot answer.</summary>
    /// <param name="execution">The execution.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    ValueTask<ClusterExecutionState> GetStateAsync(LedgerExecution execution, CancellationToken cancellationToken);
}

/// <summary>Whether the cluster knows an execution.</summary>
internal enum ClusterPresence
{
    /// <summary>The cluster could not be asked, or did not answer in time: never taken to mean "gone".</summary>
    Unknown = 0,

    /// <summary>It runs.</summary>
    Running = 1,

    /// <summary>It has finished (the application may not have recorded it yet).</summary>
    Finished = 2,

    /// <summary>The cluster answered, and has no such execution.</summary>
    Missing = 3,
}

/// <summary>The cluster's answer about one execution.</summary>
/// <param name="Presence">Whether it knows it.</param>
/// <param name="StartedAt">When it started running, when known.</param>
/// <param name="Uid">The object's uid, so that an action hits this object and no other of the same name.</param>
/// <param name="Detail">Why, when <paramref name="Presence"/> is <see cref="ClusterPresence.Unknown"/>.</param>
internal sealed record ClusterExecutionState(ClusterPresence Presence, DateTimeOffset? StartedAt = null, string? Uid = null, string? Detail = null);
