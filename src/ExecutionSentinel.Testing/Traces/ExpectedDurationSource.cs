namespace ExecutionSentinel.Testing;

/// <summary>Where a <see cref="MonitoringContext"/> made from a trace takes its tasks' expected durations.</summary>
/// <remarks>Public because tests choose where a context's expected durations come from.</remarks>
public enum ExpectedDurationSource
{
    /// <summary>The median runtime of the task's type in the trace: what a conductor that learned from past runs knows.</summary>
    TypeMedian = 0,

    /// <summary>No expected durations: the straggler detector then learns medians from finished tasks.</summary>
    None = 1,

    /// <summary>Each task's own runtime in the trace: perfect foresight, useful for exact straggler tests.</summary>
    TaskRuntime = 2,
}
