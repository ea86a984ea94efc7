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

    /// <summary>The engine's exit code, or <see langword="null"/> when the engine never signalled.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Whether the watch ended because its timeout passed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Whether a mass failure was reported during the watch.</summary>
    public bool MassFailure { get; init; }

    /// <summary>How long the watch lasted.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// The conductor's mapping: timed out → <see cref="WatchOutcome.TimedOut"/>;
    /// mass failure or an exit code other than 0 → <see cref="WatchOutcome.Failed"/>; else <see cref="WatchOutcome.Completed"/>.
    /// </summary>
    public WatchOutcome Outcome =>
        TimedOut ? WatchOutcome.TimedOut
        : MassFailure || (ExitCode is { } code && code != 0) ? WatchOutcome.Failed
        : WatchOutcome.Completed;
}
