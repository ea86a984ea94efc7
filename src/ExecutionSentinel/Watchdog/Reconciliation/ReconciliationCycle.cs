namespace ExecutionSentinel.Watchdog;

/// <summary>What one reconciliation cycle found and did.</summary>
/// <remarks>Public because applications that run the <see cref="Reconciler"/> read what each cycle did.</remarks>
public sealed class ReconciliationCycle
{
    /// <summary>Executions the cluster confirmed running within their timeout.</summary>
    public int Confirmed { get; internal init; }

    /// <summary>Executions skipped: the cluster could not answer, the dispatch grace had not passed, or they finished meanwhile.</summary>
    public int Skipped { get; internal init; }

    /// <summary>Orphans marked failed through the ledger.</summary>
    public int OrphansRecovered { get; internal init; }

    /// <summary>Overrunning executions terminated and marked failed.</summary>
    public int OverrunsTerminated { get; internal init; }

    /// <summary>Guarded updates that found the execution no longer running (finished meanwhile): nothing was changed.</summary>
    public int RacesLost { get; internal init; }

    /// <summary>Executions whose reconciliation threw (isolated: the others were still processed).</summary>
    public int Errors { get; internal init; }

    /// <summary>Actions tried (marking failed, terminating).</summary>
    public int ActionsAttempted { get; internal init; }

    /// <summary>Actions that failed.</summary>
    public int ActionsFailed { get; internal init; }

    /// <summary>Whether more than half of the actions failed, so that the watchdog stopped acting.</summary>
    public bool SystemicFailure { get; internal init; }

    /// <summary>The reports of the cycle.</summary>
    public IReadOnlyList<SentinelReport> Reports { get; internal init; } = [];
}
