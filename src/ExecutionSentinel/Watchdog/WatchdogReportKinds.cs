namespace ExecutionSentinel.Watchdog;

/// <summary>The report kinds the watchdog adds to <see cref="ReportKind"/>'s built-in ones.</summary>
/// <remarks>Public because applications recognise the watchdog's reports by these kinds and map them to actions.</remarks>
public static class WatchdogReportKinds
{
    /// <summary>A runner sent no heartbeat for longer than its timeout and was marked failed.</summary>
    public static ReportKind RunnerTimedOut { get; } = new("runner-timed-out");

    /// <summary>Tasks are running but nothing has progressed or moved for longer than the hang threshold.</summary>
    public static ReportKind WorkflowHung { get; } = new("workflow-hung");

    /// <summary>Every task has ended, the engine has not signalled, and no new task appears: HyperFlow's infinite wait.</summary>
    public static ReportKind WorkflowStalled { get; } = new("workflow-stalled");

    /// <summary>An execution the ledger calls running is not on the cluster (past the dispatch grace): recovered as failed.</summary>
    public static ReportKind OrphanRecovered { get; } = new("orphan-recovered");

    /// <summary>An execution ran past its timeout.</summary>
    public static ReportKind ExecutionOverrun { get; } = new("execution-overrun");

    /// <summary>An intervention, with its outcome (executed, dry run, refused, failed).</summary>
    public static ReportKind Intervention { get; } = new("intervention");

    /// <summary>More than half of a cycle's actions failed: the watchdog stopped acting.</summary>
    public static ReportKind SystemicFailure { get; } = new("systemic-failure");

    /// <summary>A resumed watch found the cluster and the context disagreeing.</summary>
    public static ReportKind ConsistencyFinding { get; } = new("consistency-finding");

    /// <summary>
    /// Leader election failed (the Lease could not be read or written, or the elector threw): this replica does not
    /// intervene until it works again; retried with back-off. Reported in every running watch, once per streak of failures.
    /// </summary>
    public static ReportKind LeaderElectionFailed { get; } = new("leader-election-failed");
}
