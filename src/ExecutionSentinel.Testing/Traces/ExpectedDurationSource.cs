namespace ExecutionSentinel.Testing;

/// <summary>Where a <see cref="MonitoringContext"/> made from a trace takes its tasks' expected durations.</summary>
/// <remarks>Public because tests choose where a context's expected durations come from.</remarks>
public enum ExpectedDurationSource
{
    /// <summary>
    /// The median runtime of the task's type in the very trace being replayed, its own slow tasks included: hindsight
    /// about this run, not what was learned from earlier ones (for that, learn from earlier replays into the sentinel's
    /// duration history, or build the inventory's expected durations from other traces yourself).
    /// </summary>
    SameRunTypeMedian = 0,

    /// <summary>No expected durations: the straggler detector then learns medians from finished tasks.</summary>
    None = 1,

    /// <summary>Each task's own runtime in the trace: perfect foresight, useful for exact straggler tests.</summary>
    TaskRuntime = 2,
}
