namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The record in this process's memory: lost on restart and not shared. Enough for a dry run, which writes nothing; an
/// enabled watchdog refuses to start with it (see <see cref="InterventionOptionsValidator"/>).
/// </summary>
internal sealed class MemoryInterventionRecord : IInterventionRecord
{
    private readonly object _lock = new();
    private readonly Queue<DateTimeOffset> _recent = new();

    public string Where => "this process's memory (lost on restart)";

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
