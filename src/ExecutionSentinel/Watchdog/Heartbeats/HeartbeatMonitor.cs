using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Tracks runners' heartbeats. Safe under many concurrent beats; the timeout handler runs outside the lock, so a
/// handler that calls back into the monitor cannot deadlock it.
/// </summary>
/// <remarks>Public because applications resolve it to register runners, send their beats and check for silent ones.</remarks>
public sealed class HeartbeatMonitor
{
    private readonly object _lock = new();
    private readonly Dictionary<string, RunnerStatus> _runners = new(StringComparer.Ordinal);
    private readonly HeartbeatOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">The timeout and the timeout handler.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where failures of the handler are logged.</param>
    internal HeartbeatMonitor(HeartbeatOptions options, TimeProvider time, ILogger<HeartbeatMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "HeartbeatOptions.Timeout must be positive.");
        }

        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Starts monitoring a runner: running, with a heartbeat now. Registering an id again replaces it.</summary>
    /// <param name="runner">The runner.</param>
    public void Register(Runner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        lock (_lock)
        {
            _runners[runner.Id] = new RunnerStatus(runner, RunnerState.Running, _time.GetUtcNow());
        }
    }

    /// <summary>Stops monitoring a runner; an unknown id is ignored.</summary>
    /// <param name="runnerId">The runner's id.</param>
    /// <returns>Whether the runner was known.</returns>
    public bool Remove(string runnerId)
    {
        lock (_lock)
        {
            return _runners.Remove(runnerId);
        }
    }

    /// <summary>Records a heartbeat; an unknown id is ignored.</summary>
    /// <param name="runnerId">The runner's id.</param>
    /// <returns>Whether the runner was known.</returns>
    public bool Beat(string runnerId) => Change(runnerId, status => status.With(lastHeartbeat: _time.GetUtcNow()));

    /// <summary>Marks a runner completed; an unknown id is ignored.</summary>
    /// <param name="runnerId">The runner's id.</param>
    /// <returns>Whether the runner was known.</returns>
    public bool MarkCompleted(string runnerId) => SetState(runnerId, RunnerState.Completed);

    /// <summary>Marks a runner failed; an unknown id is ignored.</summary>
    /// <param name="runnerId">The runner's id.</param>
    /// <returns>Whether the runner was known.</returns>
    public bool MarkFailed(string runnerId) => SetState(runnerId, RunnerState.Failed);

    /// <summary>Sets a runner's state; an unknown id is ignored.</summary>
    /// <param name="runnerId">The runner's id.</param>
    /// <param name="state">The new state.</param>
    /// <returns>Whether the runner was known.</returns>
    public bool SetState(string runnerId, RunnerState state) => Change(runnerId, status => status.With(state: state));

    /// <summary>One runner's status, or <see langword="null"/> for an unknown id.</summary>
    /// <param name="runnerId">The runner's id.</param>
    /// <returns>The status.</returns>
    public RunnerStatus? GetStatus(string runnerId)
    {
        lock (_lock)
        {
            return _runners.GetValueOrDefault(runnerId);
        }
    }

    /// <summary>Every runner's status.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<RunnerStatus> GetAll()
    {
        lock (_lock)
        {
            return [.. _runners.Values];
        }
    }

    /// <summary>How many runners are running.</summary>
    /// <returns>The count.</returns>
    public int CountRunning()
    {
        lock (_lock)
        {
            return _runners.Values.Count(r => r.State == RunnerState.Running);
        }
    }

    /// <summary>
    /// Marks failed, once, every running runner silent for strictly longer than the timeout, calls the handler for each, and
    /// returns one report per runner that timed out now.
    /// </summary>
    /// <param name="cancellationToken">Cancels the handlers.</param>
    /// <returns>The reports, one per runner marked failed by this check.</returns>
    public async Task<IReadOnlyList<SentinelReport>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var timedOut = new List<RunnerStatus>();
        lock (_lock)
        {
            foreach (var (id, status) in _runners)
            {
                if (status.State == RunnerState.Running && now - status.LastHeartbeat > _options.Timeout)
                {
                    timedOut.Add(status.With(state: RunnerState.Failed));
                }
            }

            foreach (var status in timedOut)
            {
                _runners[status.Runner.Id] = status;
            }
        }

        var reports = new List<SentinelReport>(timedOut.Count);
        foreach (var status in timedOut)
        {
            var silent = now - status.LastHeartbeat;
            Log.RunnerTimedOut(_logger, status.Runner.Id, silent.TotalSeconds);
            if (_options.OnTimeout is { } handler)
            {
                try
                {
                    await handler(status, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The application's handler must not take the monitor down.
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    Log.TimeoutHandlerFailed(_logger, ex, status.Runner.Id);
                }
            }

            reports.Add(new SentinelReport
            {
                Kind = WatchdogReportKinds.RunnerTimedOut,
                Severity = ReportSeverity.Error,
                Timestamp = now,
                Source = "heartbeats",
                TaskName = status.Runner.TaskName,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"Runner '{status.Runner.Id}'{(status.Runner.TaskName is { } task ? $" (task '{task}')" : "")} sent no heartbeat for {silent.TotalSeconds:0} s (timeout {_options.Timeout.TotalSeconds:0} s): marked failed."),
                Details = new Dictionary<string, string>
                {
                    ["runner"] = status.Runner.Id,
                    ["kind"] = status.Runner.Kind.ToString(),
                    ["silentSeconds"] = silent.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
                },
            });
        }

        return reports;
    }

    private bool Change(string runnerId, Func<RunnerStatus, RunnerStatus> change)
    {
        lock (_lock)
        {
            if (!_runners.TryGetValue(runnerId, out var status))
            {
                return false;
            }

            _runners[runnerId] = change(status);
            return true;
        }
    }
}
