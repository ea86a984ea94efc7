namespace ExecutionSentinel.Watchdog;

/// <summary>
/// What the application believes is running: its own record of dispatched executions. The watchdog compares it with the
/// cluster and, when it must, marks an execution failed through it.
/// </summary>
/// <remarks>Public because applications implement it to have the watchdog reconcile their executions.</remarks>
public interface IExecutionLedger
{
    /// <summary>The executions the application records as running now.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The executions.</returns>
    ValueTask<IReadOnlyList<LedgerExecution>> GetRunningAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Marks an execution failed, only if it is still recorded as running (a guarded update, such as
    /// <c>UPDATE … WHERE status = 'running'</c>), so that a completion recorded meanwhile is never overwritten.
    /// </summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether this call changed it (false when it was no longer running: the race was lost, harmlessly).</returns>
    ValueTask<bool> TryMarkFailedAsync(string executionId, string reason, CancellationToken cancellationToken);
}

/// <summary>One execution the application records as running.</summary>
/// <remarks>Public because an <see cref="IExecutionLedger"/> returns it.</remarks>
public sealed class LedgerExecution
{
    /// <summary>The application's id of the execution.</summary>
    public required string Id { get; init; }

    /// <summary>The namespace it runs in.</summary>
    public required string Namespace { get; init; }

    /// <summary>The Kubernetes Job that runs it.</summary>
    public required string JobName { get; init; }

    /// <summary>The task it runs, if any.</summary>
    public string? TaskName { get; init; }

    /// <summary>When the application dispatched it.</summary>
    public required DateTimeOffset DispatchedAt { get; init; }

    /// <summary>Its own timeout, if it has one.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Its owner's timeout (the schedule's or agent's), used when it has none of its own.</summary>
    public TimeSpan? OwnerTimeout { get; init; }
}
