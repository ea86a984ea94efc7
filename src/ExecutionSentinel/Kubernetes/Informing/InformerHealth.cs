namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// Whether one informer's view is current: its failure (a list or a watch that failed and has not recovered), when it last
/// heard from the API server, how far it has read, and counters read by the session, metrics and tests.
/// </summary>
internal sealed class InformerHealth
{
    private Exception? _failure;
    private long _eventsReceived;
    private long _watchRestarts;
    private long _relists;
    private long _lastHeardTicks = long.MinValue;
    private string? _resourceVersion;

    /// <summary>
    /// Why the view is not current: the last list failed, or the watch failed and has delivered nothing since;
    /// <see langword="null"/> while the informer follows the server.
    /// </summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>When the server last told this informer something (a list, an event, a bookmark, a watch's normal end).</summary>
    public DateTimeOffset? LastHeard
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastHeardTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>Watches restarted because they went silent (no event, no bookmark) for too long.</summary>
    public long WatchRestarts => Interlocked.Read(ref _watchRestarts);

    /// <summary>Full lists after the first: after a 410 Gone, or when the view had to be brought up to date.</summary>
    public long Relists => Interlocked.Read(ref _relists);

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

    /// <summary>Told whenever the cache moves on or fails (tests use it to wait for the informer instead of polling).</summary>
    public Action? Progressed { get; set; }

    public void Failed(Exception exception)
    {
        Volatile.Write(ref _failure, exception);
        Progressed?.Invoke();
    }

    /// <summary>The server answered: the view follows it again.</summary>
    public void Heard(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastHeardTicks, now.UtcTicks);
        Volatile.Write(ref _failure, null);
    }

    public void EventReceived() => Interlocked.Increment(ref _eventsReceived);

    public void WatchRestarted() => Interlocked.Increment(ref _watchRestarts);

    public void Relisted() => Interlocked.Increment(ref _relists);
}
