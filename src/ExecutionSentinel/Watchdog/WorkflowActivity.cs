using System.Collections.Concurrent;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Activity the conductor reports ("task X did something": a log line, a file written, a heartbeat), which keeps a
/// workflow from being called hung even when no task changes state.
/// </summary>
/// <remarks>Public because applications call <see cref="Record"/> so that a workflow busy outside the cluster is not reported hung.</remarks>
public sealed class WorkflowActivity
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the tracker.</summary>
    /// <param name="time">The clock.</param>
    public WorkflowActivity(TimeProvider time) => _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>Records activity in a workflow now.</summary>
    /// <param name="namespace">The workflow's namespace.</param>
    public void Record(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        _last[@namespace] = _time.GetUtcNow();
    }

    /// <summary>When activity was last recorded in a workflow, if ever.</summary>
    /// <param name="namespace">The workflow's namespace.</param>
    /// <returns>The time, or <see langword="null"/>.</returns>
    internal DateTimeOffset? LastActivity(string @namespace) => _last.TryGetValue(@namespace, out var at) ? at : null;
}
