namespace ExecutionSentinel.Watchdog;

/// <summary>What one reconciliation cycle found and did.</summary>
public sealed record ReconciliationCycle
{
    /// <summary>Executions the cluster confirmed running within their timeout.</summary>
    public int Confirmed { get; init; }

    /// <summary>Executions skipped: the cluster could not answer, the dispatch grace had not passed, or they finished meanwhile.</summary>
    public int Skipped { get; init; }

    /// <summary>Orphans marked failed through the ledger.</summary>
    public int OrphansRecovered { get; init; }

    /// <summary>Overrunning executions terminated and marked failed.</summary>
    public int OverrunsTerminated { get; init; }

    /// <summary>Guarded updates that found the execution no longer running (finished meanwhile): nothing was changed.</summary>
    public int RacesLost { get; init; }

    /// <summary>Executions whose reconciliation threw (isolated: the others were still processed).</summary>
    public int Errors { get; init; }

    /// <summary>Actions tried (marking failed, terminating).</summary>
    public int ActionsAttempted { get; init; }

    /// <summary>Actions that failed.</summary>
    public int ActionsFailed { get; init; }

    /// <summary>Whether more than half of the actions failed, so that the watchdog stopped acting.</summary>
    public bool SystemicFailure { get; init; }

    /// <summary>The reports of the cycle.</summary>
    public IReadOnlyList<SentinelReport> Reports { get; init; } = [];
}
