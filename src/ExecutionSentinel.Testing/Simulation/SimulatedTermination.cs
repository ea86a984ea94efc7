namespace ExecutionSentinel.Testing;

/// <summary>A Job of a <see cref="SimulatedCluster"/> deleted through the API (by the watchdog): its task stopped then.</summary>
/// <remarks>Public because tests of a watchdog policy read it from <see cref="SimulatedCluster.Terminations"/>.</remarks>
public sealed class SimulatedTermination
{
    internal SimulatedTermination(string taskName, string @namespace, string jobName, string jobUid, DateTimeOffset deletedAt)
    {
        TaskName = taskName;
        Namespace = @namespace;
        JobName = jobName;
        JobUid = jobUid;
        DeletedAt = deletedAt;
    }

    /// <summary>The task the Job ran.</summary>
    public string TaskName { get; }

    /// <summary>The namespace the delete named.</summary>
    public string Namespace { get; }

    /// <summary>The Job's name.</summary>
    public string JobName { get; }

    /// <summary>The Job's uid (the delete's precondition).</summary>
    public string JobUid { get; }

    /// <summary>When it was deleted.</summary>
    public DateTimeOffset DeletedAt { get; }

    /// <summary>When the Job's pod goes: after the grace period if it ran on a node, at once otherwise.</summary>
    internal DateTimeOffset PodGoneAt { get; init; }
}
