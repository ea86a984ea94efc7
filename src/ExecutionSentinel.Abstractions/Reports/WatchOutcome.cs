namespace ExecutionSentinel;

/// <summary>How a watched workflow ended, in the conductor's terms.</summary>
public enum WatchOutcome
{
    /// <summary>The engine signalled exit code 0 and there was no mass failure.</summary>
    Completed = 0,

    /// <summary>The engine signalled a non-zero exit code, or mass failure was detected.</summary>
    Failed = 1,

    /// <summary>The engine did not signal before the watch timeout.</summary>
    TimedOut = 2,

    /// <summary>
    /// The watch ended without being able to do its job: access was denied (with <c>SentinelOptions.StopOnAccessDenied</c>),
    /// or it timed out while the engine's signal could not be read. Nothing is known of the workflow's outcome.
    /// </summary>
    Aborted = 3,
}
