namespace ExecutionSentinel.Testing;

/// <summary>
/// A clock that runs <see cref="Factor"/> times faster than real time, for demos that replay an hour-long
/// workflow in seconds. Timers and <c>Task.Delay(…, timeProvider)</c> fire accordingly sooner.
/// </summary>
/// <remarks>Public because demos run a replay faster than real time with it.</remarks>
public sealed class AcceleratedTimeProvider : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly DateTimeOffset _startedAt;
    private readonly long _startTimestamp;

    /// <summary>Starts the accelerated clock at the real clock's current time.</summary>
    /// <param name="factor">How many simulated seconds pass per real second; must be positive.</param>
    /// <param name="real">The real clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public AcceleratedTimeProvider(double factor, TimeProvider? real = null)
    {
        if (!double.IsFinite(factor) || factor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The speed factor must be a positive number.");
        }

        Factor = factor;
        _real = real ?? System;
        _startedAt = _real.GetUtcNow();
        _startTimestamp = _real.GetTimestamp();
    }

    /// <summary>Simulated seconds per real second.</summary>
    public double Factor { get; }

    /// <inheritdoc />
    public override long TimestampFrequency => _real.TimestampFrequency;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _startedAt + (_real.GetElapsedTime(_startTimestamp) * Factor);

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        var elapsed = _real.GetTimestamp() - _startTimestamp;
        return _startTimestamp + (long)(elapsed * Factor);
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _real.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / Factor;
}
