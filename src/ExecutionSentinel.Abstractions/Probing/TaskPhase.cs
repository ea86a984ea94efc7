namespace ExecutionSentinel.Probing;

/// <summary>Where a task is in its life.</summary>
/// <remarks>Public because detectors read it.</remarks>
public enum TaskPhase
{
    /// <summary>Created but not running yet (scheduling, pulling images, waiting for a retry).</summary>
    Pending = 0,

    /// <summary>An attempt is running.</summary>
    Running = 1,

    /// <summary>Finished successfully: final.</summary>
    Succeeded = 2,

    /// <summary>Finished in failure, with no attempt left: final.</summary>
    Failed = 3,

    /// <summary>
    /// The task's objects were deleted while nobody could see (an outage longer than the Job's time to live after it
    /// finished): it most likely ended, but how is unknown. Final; counted as neither completed nor failed.
    /// </summary>
    Unknown = 4,
}
