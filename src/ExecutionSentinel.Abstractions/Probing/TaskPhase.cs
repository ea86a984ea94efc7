namespace ExecutionSentinel.Probing;

/// <summary>Where a task is in its life.</summary>
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
}
