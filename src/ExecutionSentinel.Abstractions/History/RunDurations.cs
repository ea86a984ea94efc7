namespace ExecutionSentinel.History;

/// <summary>One run of a workflow as a baseline store keeps it: how long each task it learned from took.</summary>
/// <remarks>Public because an <see cref="IDurationBaselineStore"/> of the application receives and stores it.</remarks>
public sealed class RunDurations
{
    /// <summary>When the run's watch ended.</summary>
    public DateTimeOffset EndedAt { get; init; }

    /// <summary>How the run ended.</summary>
    public WatchOutcome Outcome { get; init; }

    /// <summary>The tasks to learn from: each succeeded task's last attempt, from its start to its end.</summary>
    public IReadOnlyList<TaskDuration> Tasks { get; init; } = [];
}
