namespace ExecutionSentinel.Testing;

/// <summary>A Job of a <see cref="SimulatedCluster"/> deleted through the API (by the watchdog): its task stopped then.</summary>
/// <param name="TaskName">The task the Job ran.</param>
/// <param name="Namespace">The namespace the delete named.</param>
/// <param name="JobName">The Job's name.</param>
/// <param name="JobUid">The Job's uid (the delete's precondition).</param>
/// <param name="DeletedAt">When it was deleted.</param>
public sealed record SimulatedTermination(string TaskName, string Namespace, string JobName, string JobUid, DateTimeOffset DeletedAt)
{
    /// <summary>When the Job's pod goes: after the grace period if it ran on a node, at once otherwise.</summary>
    internal DateTimeOffset PodGoneAt { get; init; }
}
