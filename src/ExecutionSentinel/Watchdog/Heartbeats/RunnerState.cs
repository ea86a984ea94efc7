namespace ExecutionSentinel.Watchdog;

/// <summary>A runner's state.</summary>
/// <remarks>Public because applications set and read their runners' state.</remarks>
public enum RunnerState
{
    /// <summary>Running: expected to beat.</summary>
    Running = 0,

    /// <summary>Finished successfully.</summary>
    Completed = 1,

    /// <summary>Failed, or went silent for longer than its timeout.</summary>
    Failed = 2,
}
