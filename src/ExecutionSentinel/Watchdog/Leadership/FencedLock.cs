using k8s.LeaderElection;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The elector's lock, watched: remembers when this replica last wrote its lease (acquired or renewed it), on the
/// library's clock. Leadership is trusted only until that moment plus the renew deadline (the fence), whatever the
/// elector believes: a replica whose renewals stall stops acting before another can take the lease over.
/// </summary>
internal sealed class FencedLock(ILock inner, TimeProvider time) : ILock
{
    private long _renewedAtTicks = long.MinValue;

    public string Identity => inner.Identity;

    /// <summary>When this replica last wrote the lease, or <see langword="null"/> before it ever did.</summary>
    public DateTimeOffset? RenewedAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _renewedAtTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Raised when the election is seen to work: this replica wrote the lease, or read it held by another replica whose
    /// lease has not run out (a follower has nothing to write). A read alone is not enough: a replica allowed to read the
    /// lease but not to write it would seem to recover at every attempt.
    /// </summary>
    public event Action? Answered;

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        var record = await inner.GetAsync(cancellationToken).ConfigureAwait(false);
        if (record?.HolderIdentity is { Length: > 0 } holder && holder != inner.Identity
            && record.RenewTime is { } renewed && renewed.ToUniversalTime() + TimeSpan.FromSeconds(record.LeaseDurationSeconds) > time.GetUtcNow().UtcDateTime)
        {
            Answered?.Invoke();
        }

        return record!;
    }

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        var sent = time.GetUtcNow();
        return Written(await inner.CreateAsync(record, cancellationToken).ConfigureAwait(false), record, sent);
    }

    public async Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        var sent = time.GetUtcNow();
        return Written(await inner.UpdateAsync(record, cancellationToken).ConfigureAwait(false), record, sent);
    }

    public string Describe() => inner.Describe();

    private bool Written(bool written, LeaderElectionRecord record, DateTimeOffset sent)
    {
        // The time the write was sent, not when its answer came: the lease may be taken over from that moment on.
        if (written && record.HolderIdentity == inner.Identity)
        {
            Interlocked.Exchange(ref _renewedAtTicks, sent.UtcTicks);
            Answered?.Invoke();
        }

        return written;
    }

    /// <summary>Forgets the last renewal: leadership was lost, and only a new write may fence again.</summary>
    public void Forget() => Interlocked.Exchange(ref _renewedAtTicks, long.MinValue);
}
