using k8s.LeaderElection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Leader election among conductor replicas through KubernetesClient's <see cref="LeaderElector"/> on a lock (a
/// Kubernetes Lease, <c>LeaseLock</c>, in production). Leadership is lost at once when the elector says so; the elector
/// is run again until disposed, so a follower takes over when the leader goes.
/// </summary>
public sealed class LeaseLeadership : ILeadership, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private volatile bool _isLeader;

    /// <summary>Starts taking part in the election.</summary>
    /// <param name="config">The elector's configuration (its lock names this replica).</param>
    /// <param name="logger">Where leadership changes are logged.</param>
    public LeaseLeadership(LeaderElectionConfig config, ILogger<LeaseLeadership>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var log = logger ?? (ILogger)NullLogger.Instance;
        _running = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using var elector = new LeaderElector(config);
                elector.OnStartedLeading += () =>
                {
                    _isLeader = true;
                    LeadershipChanged?.Invoke(true);
                    log.LogInformation("This replica ({Identity}) leads: it may intervene", config.Lock.Identity);
                };
                elector.OnStoppedLeading += () =>
                {
                    _isLeader = false;
                    LeadershipChanged?.Invoke(false);
                    log.LogInformation("This replica ({Identity}) no longer leads: interventions stop", config.Lock.Identity);
                };
                try
                {
                    await elector.RunUntilLeadershipLostAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // Cancelling the elector sometimes throws, sometimes returns: both end it.
                }
                finally
                {
                    _isLeader = false;
                }
            }
        });
    }

    /// <summary>Raised when this replica starts (true) or stops (false) leading.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <inheritdoc />
    public bool IsLeader => _isLeader;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _isLeader = false;
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
}
