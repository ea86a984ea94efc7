using System.Net;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Leader election among conductor replicas through KubernetesClient's <see cref="LeaderElector"/> on a lock (a
/// Kubernetes Lease, <c>LeaseLock</c>, in production). This replica leads only while the elector says so and its last
/// write of the lease is younger than the renew deadline (a fence on the library's clock): a replica whose renewals stall
/// stops acting before another can take over. The elector is run again until disposed, so a follower takes over when
/// the leader goes. When the election fails (the lease cannot be read or written, the elector or a handler throws), the
/// failure is logged, raised once per streak through <see cref="ElectionFailed"/> (the watchdog reports it), and the
/// election is retried with back-off.
/// </summary>
internal sealed class LeaseLeadership : ILeadership, IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private readonly CancellationTokenSource _stop = new();
    private readonly LeaderElectionConfig _config;
    private readonly FencedLock _lock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _running;
    private volatile bool _leading;
    private volatile bool _failing;
    private volatile Exception? _lastFailure;

    /// <summary>Starts taking part in the election.</summary>
    /// <param name="config">The elector's configuration (its lock names this replica).</param>
    /// <param name="logger">Where leadership changes and failures are logged.</param>
    /// <param name="time">The clock of the fence and of the back-off (the elector itself runs on the wall clock); default the system's.</param>
    public LeaseLeadership(LeaderElectionConfig config, ILogger<LeaseLeadership>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(config.Lock);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _lock = new FencedLock(config.Lock, _time);
        _lock.Answered += Recovered;
        if (config.Lock is LeaseLock lease)
        {
            // The lock swallows HTTP errors on create and update (a forbidden update would look like a lost race forever).
            // A conflict is a race lost to another replica, nothing wrong; anything else is.
            lease.OnHttpError += ex =>
            {
                if (ex.Response?.StatusCode != HttpStatusCode.Conflict)
                {
                    Fail(ex, retryIn: config.RetryPeriod);
                }
            };
        }

        _config = new LeaderElectionConfig(_lock)
        {
            LeaseDuration = config.LeaseDuration,
            RenewDeadline = config.RenewDeadline,
            RetryPeriod = config.RetryPeriod,
        };
        _running = Task.Run(RunAsync);
    }

    /// <summary>Raised when this replica starts (true) or stops (false) leading. A throwing handler is logged and ignored.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>
    /// Raised on the first failure of the election after it worked (or at start): the lease could not be read or written,
    /// or the elector or a handler threw. The election is retried with back-off; this replica does not act meanwhile
    /// unless its fence still holds. A throwing handler is logged and ignored.
    /// </summary>
    public event Action<Exception>? ElectionFailed;

    /// <summary>Raised when the election works again after <see cref="ElectionFailed"/>.</summary>
    internal event Action? ElectionRecovered;

    /// <inheritdoc />
    public bool IsLeader => _leading && _lock.RenewedAt is { } renewed && _time.GetUtcNow() < renewed + _config.RenewDeadline;

    /// <summary>The last failure of the election, if it has failed since it last worked.</summary>
    public Exception? LastFailure => _failing ? _lastFailure : null;

    /// <summary>The lock's description (its namespace and name).</summary>
    public string Describe() => _lock.Describe();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _leading = false;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            using var elector = new LeaderElector(_config);
            elector.OnStartedLeading += () =>
            {
                attempt = 0;
                _leading = true;
                Log.LeadershipGained(_logger, _lock.Identity, _lock.Describe());
                Raise(true);
            };
            elector.OnStoppedLeading += () =>
            {
                _leading = false;
                _lock.Forget();
                Log.LeadershipLost(_logger, _lock.Identity, _lock.Describe());
                Raise(false);
            };
            elector.OnError += ex => Fail(ex, _config.RetryPeriod);
            try
            {
                await elector.RunUntilLeadershipLostAsync(_stop.Token).ConfigureAwait(false);
                continue; // Lost it: run for it again at once, as a follower.
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return; // Cancelling the elector sometimes throws, sometimes returns: both end it.
            }
            catch (Exception ex)
            {
                // The elector lets some failures out (a network error on reading the lease): it would never run again.
                attempt++;
                Fail(ex, Backoff(attempt));
            }
            finally
            {
                _leading = false;
            }

            try
            {
                await Task.Delay(Backoff(attempt), _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The retry period doubling with each failure in a row, capped at a minute, ±20 %.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var doubled = _config.RetryPeriod.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(doubled, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private void Fail(Exception exception, TimeSpan retryIn)
    {
        _lastFailure = exception;
        if (_failing)
        {
            Log.ElectionStillFailing(_logger, _lock.Describe(), exception.Message);
            return;
        }

        _failing = true;
        Log.ElectionFailed(_logger, exception, _lock.Describe(), retryIn.TotalSeconds);
        foreach (var handler in ElectionFailed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<Exception>)handler)(exception);
            }
            catch (Exception ex)
            {
                Log.LeadershipHandlerFailed(_logger, ex, nameof(ElectionFailed));
            }
        }
    }

    private void Recovered()
    {
        if (_failing)
        {
            _failing = false;
            Log.ElectionRecovered(_logger, _lock.Describe());
            try
            {
                ElectionRecovered?.Invoke();
            }
            catch (Exception ex)
            {
                Log.LeadershipHandlerFailed(_logger, ex, nameof(ElectionRecovered));
            }
        }
    }

    private void Raise(bool leading)
    {
        foreach (var handler in LeadershipChanged?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<bool>)handler)(leading);
            }
            catch (Exception ex)
            {
                // A handler must not end the election: the replica would never lead again, silently.
                Log.LeadershipHandlerFailed(_logger, ex, nameof(LeadershipChanged));
                Fail(ex, _config.RetryPeriod);
            }
        }
    }
}
