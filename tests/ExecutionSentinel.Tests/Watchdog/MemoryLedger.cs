using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The application's ledger in memory: a guarded update marks an execution failed only while it is running.</summary>
internal sealed class MemoryLedger : IExecutionLedger
{
    private readonly object _lock = new();

    public Dictionary<string, LedgerExecution> Running { get; } = [];

    public Dictionary<string, string> Failed { get; } = [];

    /// <summary>Called on every guarded update, before it is applied (a test may look at the world then).</summary>
    public Action<string>? OnWrite { get; set; }

    public int Writes { get; private set; }

    public void Add(string id, string ns, string job, DateTimeOffset dispatched, TimeSpan? timeout = null)
    {
        lock (_lock)
        {
            Running[id] = new LedgerExecution { Id = id, Namespace = ns, JobName = job, DispatchedAt = dispatched, Timeout = timeout };
        }
    }

    public ValueTask<IReadOnlyList<LedgerExecution>> GetRunningAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<LedgerExecution>>([.. Running.Values]);
        }
    }

    public ValueTask<bool> TryMarkFailedAsync(string executionId, string reason, CancellationToken cancellationToken)
    {
        OnWrite?.Invoke(executionId);
        lock (_lock)
        {
            Writes++;
            if (!Running.Remove(executionId))
            {
                return ValueTask.FromResult(false); // WHERE status = 'running' matched nothing.
            }

            Failed[executionId] = reason;
            return ValueTask.FromResult(true);
        }
    }
}
