namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>
/// "Something that matters changed since the last observation began": set by the informers' thread when the cache takes
/// a real change, re-armed when an observation begins. A change between re-arming and the snapshot is in the snapshot
/// and wakes one more tick (harmless); a change after the snapshot is never lost.
/// </summary>
internal sealed class ChangeLatch
{
    private readonly object _gate = new();
    private TaskCompletionSource _changed = New();

    /// <summary>Whether a change came since the last <see cref="Rearm"/>.</summary>
    public bool IsSet
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task.IsCompleted;
            }
        }
    }

    /// <summary>Marks a change: the current wait, if any, completes.</summary>
    public void Set()
    {
        lock (_gate)
        {
            _changed.TrySetResult();
        }
    }

    /// <summary>Forgets what was already changed: the next wait waits for a new change.</summary>
    public void Rearm()
    {
        lock (_gate)
        {
            if (_changed.Task.IsCompleted)
            {
                _changed = New();
            }
        }
    }

    /// <summary>Completes at the next change, at once if one happened since the last <see cref="Rearm"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            changed = _changed.Task;
        }

        return changed.WaitAsync(cancellationToken);
    }

    // Continuations run elsewhere: the informer that sets the latch must not run the sentinel's tick.
    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
