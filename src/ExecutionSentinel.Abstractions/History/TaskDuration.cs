namespace ExecutionSentinel.History;

/// <summary>How long one task of a recorded run took.</summary>
/// <remarks>Public because it is part of <see cref="RunDurations"/>, which an application's store keeps.</remarks>
public sealed class TaskDuration
{
    /// <summary>The task's name (its DAG node), e.g. <c>mProject-12</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The task's type, e.g. <c>mProject</c>.</summary>
    public required string TaskType { get; init; }

    /// <summary>From the start of its last attempt to its end.</summary>
    public TimeSpan Duration { get; init; }
}
