namespace ExecutionSentinel;

/// <summary>The end of a watch: what was counted and how the workflow ended.</summary>
public sealed record WatchSummary
{
    /// <summary>Tasks that finished successfully.</summary>
    public required int CompletedTasks { get; init; }

    /// <summary>Tasks that finished in failure.</summary>
    public required int FailedTasks { get; init; }

    /// <summary>Tasks in the workflow.</summary>
    public required int TotalTasks { get; init; }

    /// <summary>
    /// Tasks whose end the sentinel cannot vouch for: never seen, still shown running or pending when the watch ended,
    /// lost, or deleted while unobserved. <see cref="CompletedTasks"/> + <see cref="FailedTasks"/> + this = <see cref="TotalTasks"/>.
    /// </summary>
    public int UnknownTasks => UnknownTaskNames.Count;

    /// <summary>The names of the <see cref="UnknownTasks"/>, in inventory order.</summary>
    public IReadOnlyList<string> UnknownTaskNames { get; init; } = [];

    /// <summary>Why the engine's signal could not be read at the end, when it could not (it may have finished unseen).</summary>
    public string? SignalReadFailure { get; init; }

    /// <summary>The refusal that ended the watch, for <see cref="WatchOutcome.Aborted"/>.</summary>
    public ExecutionSentinel.Probing.AccessDenial? AccessDenied { get; init; }

    /// <summary>The engine's exit code, or <see langword="null"/> when the engine never signalled.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Whether the watch ended because its timeout passed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>
    /// The kind of the report that ended the watch (<see cref="SentinelReport.EndsWatch"/>), such as
    /// <c>mass-failure</c>, or <see langword="null"/> when the engine's signal, the timeout or a refusal ended it.
    /// </summary>
    public ReportKind? EndedBy { get; init; }

    /// <summary>How long the watch lasted.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// The conductor's mapping: stopped on access denied, or timed out without being able to read the engine's signal
    /// (it may have finished unseen) → <see cref="WatchOutcome.Aborted"/>; timed out → <see cref="WatchOutcome.TimedOut"/>;
    /// ended by a report (<see cref="EndedBy"/>) or an exit code other than 0 → <see cref="WatchOutcome.Failed"/>; else
    /// <see cref="WatchOutcome.Completed"/>.
    /// </summary>
    public WatchOutcome Outcome =>
        AccessDenied is not null || (TimedOut && SignalReadFailure is not null) ? WatchOutcome.Aborted
        : TimedOut ? WatchOutcome.TimedOut
        : EndedBy is not null || (ExitCode is { } code && code != 0) ? WatchOutcome.Failed
        : WatchOutcome.Completed;
}
