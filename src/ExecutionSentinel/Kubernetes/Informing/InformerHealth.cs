namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>Counters and the current failure of one informer, read by the session and by tests.</summary>
internal sealed class InformerHealth
{
    private Exception? _failure;
    private long _eventsReceived;
    private long _watchRestarts;
    private long _relists;

    /// <summary>Why the last list failed; <see langword="null"/> once a list succeeds again.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>Watches restarted because they went silent (no event, no bookmark) for too long.</summary>
    public long WatchRestarts => Interlocked.Read(ref _watchRestarts);

    /// <summary>Full lists after the first: after a 410 Gone, a failed watch or a failed list.</summary>
    public long Relists => Interlocked.Read(ref _relists);

    private string? _resourceVersion;

    /// <summary>The resource version the cache has reached (of the last event, bookmark or list).</summary>
    public string? ResourceVersion
    {
        get => Volatile.Read(ref _resourceVersion);
        set
        {
            Volatile.Write(ref _resourceVersion, value);
            Progressed?.Invoke();
        }
    }

    /// <summary>Told whenever the cache moves on (tests use it to wait for the informer instead of polling).</summary>
    public Action? Progressed { get; set; }

    public void Failed(Exception exception)
    {
        Volatile.Write(ref _failure, exception);
        Progressed?.Invoke();
    }

    public void Recovered() => Volatile.Write(ref _failure, null);

    public void EventReceived() => Interlocked.Increment(ref _eventsReceived);

    public void WatchRestarted() => Interlocked.Increment(ref _watchRestarts);

    public void Relisted() => Interlocked.Increment(ref _relists);
}
