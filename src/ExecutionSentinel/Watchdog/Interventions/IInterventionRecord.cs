namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Where the hourly limit's record lives: the times of the interventions of the last hour, shared by every replica and
/// kept across restarts. Checking the limit and recording an intervention are one step.
/// </summary>
internal interface IInterventionRecord
{
    /// <summary>Records one intervention at <paramref name="now"/> unless <paramref name="maxPerHour"/> were recorded in the hour before it.</summary>
    /// <param name="now">The time of the intervention.</param>
    /// <param name="maxPerHour">The limit.</param>
    /// <param name="mayWrite">Asked immediately before the record is written: whether this replica still leads.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="null"/> when recorded; <see cref="InterventionOutcome.RefusedLimit"/> when the limit is reached;
    /// <see cref="InterventionOutcome.RefusedNotLeader"/> when <paramref name="mayWrite"/> said no.</returns>
    ValueTask<InterventionOutcome?> TryRecordAsync(DateTimeOffset now, int maxPerHour, Func<bool> mayWrite, CancellationToken cancellationToken);
}

/// <summary>The record in this process's memory: lost on restart and not shared, so only for a single replica that accepts that.</summary>
internal sealed class MemoryInterventionRecord : IInterventionRecord
{
    private readonly object _lock = new();
    private readonly Queue<DateTimeOffset> _recent = new();

    public ValueTask<InterventionOutcome?> TryRecordAsync(DateTimeOffset now, int maxPerHour, Func<bool> mayWrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mayWrite);
        lock (_lock)
        {
            while (_recent.Count > 0 && _recent.Peek() <= now - TimeSpan.FromHours(1))
            {
                _recent.Dequeue();
            }

            if (_recent.Count >= maxPerHour)
            {
                return ValueTask.FromResult<InterventionOutcome?>(InterventionOutcome.RefusedLimit);
            }

            if (!mayWrite())
            {
                return ValueTask.FromResult<InterventionOutcome?>(InterventionOutcome.RefusedNotLeader);
            }

            _recent.Enqueue(now);
            return ValueTask.FromResult<InterventionOutcome?>(null);
        }
    }
}
