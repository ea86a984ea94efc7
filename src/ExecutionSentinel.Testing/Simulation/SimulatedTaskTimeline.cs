namespace ExecutionSentinel.Testing;

/// <summary>How a task plays out in a <see cref="SimulatedCluster"/>: computed up front, so tests can know what to expect.</summary>
internal sealed class SimulatedTaskTimeline
{
    internal SimulatedTaskTimeline(TraceTask task, int index, int slot, IReadOnlyList<SimulatedAttempt> attempts, DateTimeOffset? vanishesAt)
    {
        Task = task;
        Index = index;
        Slot = slot;
        Attempts = attempts;
        VanishesAt = vanishesAt;
        var last = attempts[^1];
        FinishedAt = last.End is AttemptEnd.Hangs or AttemptEnd.Vanishes ? null : last.EndsAt;
        Succeeded = last.End == AttemptEnd.Succeeded;
    }

    /// <summary>The task.</summary>
    public TraceTask Task { get; }

    /// <summary>When the task's first pod is created.</summary>
    public DateTimeOffset CreatedAt => Attempts[0].CreatedAt;

    /// <summary>When the task's first attempt starts running.</summary>
    public DateTimeOffset StartedAt => Attempts[0].StartedAt;

    /// <summary>When the task finishes for good, or <see langword="null"/> when it never does (hang, vanish).</summary>
    public DateTimeOffset? FinishedAt { get; }

    /// <summary>Whether the task ends successfully.</summary>
    public bool Succeeded { get; }

    /// <summary>How many attempts the task makes.</summary>
    public int AttemptCount => Attempts.Count;

    /// <summary>When the task's objects vanish while it runs, for a <see cref="VanishFault"/>.</summary>
    public DateTimeOffset? VanishesAt { get; }

    internal int Index { get; }

    internal int Slot { get; }

    internal IReadOnlyList<SimulatedAttempt> Attempts { get; }

    /// <summary>The index of the attempt whose pod exists at <paramref name="now"/> (the latest one created by then).</summary>
    internal int AttemptIndexAt(DateTimeOffset now)
    {
        var current = 0;
        while (current + 1 < Attempts.Count && Attempts[current + 1].CreatedAt <= now)
        {
            current++;
        }

        return current;
    }
}

/// <summary>One attempt (one pod) of a simulated task.</summary>
internal sealed record SimulatedAttempt(
    int Number, DateTimeOffset CreatedAt, DateTimeOffset StartedAt, DateTimeOffset EndsAt, AttemptEnd End, int ExitCode = 0, DateTimeOffset? UnschedulableUntil = null)
{
    /// <summary>Whether the attempt's pod cannot be scheduled at <paramref name="now"/>.</summary>
    public bool IsUnschedulableAt(DateTimeOffset now) => UnschedulableUntil is { } until && now < until;
}

/// <summary>How a simulated attempt ends.</summary>
internal enum AttemptEnd
{
    Succeeded,
    Failed,
    OomKilled,
    OomKilledFinal,
    Evicted,
    Hangs,
    Vanishes,
}
