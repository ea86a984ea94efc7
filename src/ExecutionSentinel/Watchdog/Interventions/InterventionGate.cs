using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Every intervention passes here: off unless enabled, dry run when asked, only from the leader, at most
/// <see cref="InterventionOptions.MaxPerHour"/> an hour, never after a systemic failure; and every attempt, done or
/// refused, becomes a report with its outcome. Keeps the watchdog's status.
/// </summary>
public sealed class InterventionGate
{
    private readonly IClusterActuator _actuator;
    private readonly ILeadership _leadership;
    private readonly InterventionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Queue<SentinelReport> _findings = new();
    private int _done;
    private int _refused;
    private SentinelReport? _last;
    private int _hangs;

    /// <summary>Creates the gate.</summary>
    /// <param name="actuator">What acts on the cluster.</param>
    /// <param name="leadership">Whether this replica leads.</param>
    /// <param name="options">The mode, limit and policy.</param>
    /// <param name="time">The clock of the hourly limit.</param>
    /// <param name="logger">Where interventions are logged.</param>
    public InterventionGate(IClusterActuator actuator, ILeadership leadership, InterventionOptions options, TimeProvider time, ILogger<InterventionGate>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(actuator);
        ArgumentNullException.ThrowIfNull(leadership);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _actuator = actuator;
        _leadership = leadership;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Told of every intervention's outcome (the library's metrics listen here).</summary>
    internal Action<InterventionAction, InterventionOutcome>? Observer { get; set; }

    /// <summary>Whether the gate stopped acting after a systemic failure (until <see cref="Resume"/>).</summary>
    public bool Suspended { get; private set; }

    /// <summary>The action the policy maps a report to.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The action; <see cref="InterventionAction.None"/> unless configured.</returns>
    public InterventionAction ActionFor(SentinelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return _options.Actions.TryGetValue(report.Kind.Name, out var action) ? action : InterventionAction.None;
    }

    /// <summary>Stops acting (after a systemic failure).</summary>
    public void Suspend() => Suspended = true;

    /// <summary>Acts again after a suspension.</summary>
    public void Resume() => Suspended = false;

    /// <summary>Tries an intervention and reports it, done or not.</summary>
    /// <param name="action">What to do.</param>
    /// <param name="target">On what.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome and its report.</returns>
    public async Task<(InterventionOutcome Outcome, SentinelReport Report)> InterveneAsync(InterventionAction action, InterventionTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var outcome = Refusal();
        if (outcome is null)
        {
            if (_options.Mode == InterventionMode.DryRun)
            {
                outcome = InterventionOutcome.DryRun;
            }
            else
            {
                lock (_lock)
                {
                    _recent.Enqueue(_time.GetUtcNow());
                }

                try
                {
                    outcome = action == InterventionAction.TerminateWorkflow
                        ? await _actuator.TerminateWorkflowAsync(target, cancellationToken).ConfigureAwait(false)
                        : await _actuator.TerminateTaskAsync(target, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.InterventionDone(_logger, action.ToString(), Describe(target), "failed: " + ex.Message);
                    outcome = InterventionOutcome.Failed;
                }
            }
        }

        var report = Report(action, target, outcome.Value);
        Observer?.Invoke(action, outcome.Value);
        Log.InterventionDone(_logger, action.ToString(), Describe(target), outcome.Value.ToString());
        return (outcome.Value, report);
    }

    /// <summary>Adds a finding (a hang, an orphan, a stall…) to the recent ones the status shows.</summary>
    /// <param name="report">The finding.</param>
    public void Record(SentinelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            if (report.Kind == WatchdogReportKinds.WorkflowHung)
            {
                _hangs++;
            }

            _findings.Enqueue(report);
            while (_findings.Count > 20)
            {
                _findings.Dequeue();
            }
        }
    }

    /// <summary>The watchdog's status, on demand.</summary>
    /// <param name="watchesRunning">How many watches run now.</param>
    /// <returns>The status.</returns>
    public WatchdogStatus Status(int watchesRunning)
    {
        lock (_lock)
        {
            return new WatchdogStatus
            {
                WatchesRunning = watchesRunning,
                HangsDetected = _hangs,
                InterventionsDone = _done,
                InterventionsRefused = _refused,
                LastIntervention = _last,
                RecentFindings = [.. _findings],
                Mode = _options.Mode,
                IsLeader = _leadership.IsLeader,
                Suspended = Suspended,
            };
        }
    }

    private InterventionOutcome? Refusal()
    {
        if (_options.Mode == InterventionMode.Off)
        {
            return InterventionOutcome.RefusedOff;
        }

        if (Suspended)
        {
            return InterventionOutcome.RefusedSuspended;
        }

        if (!_leadership.IsLeader)
        {
            return InterventionOutcome.RefusedNotLeader;
        }

        lock (_lock)
        {
            var hourAgo = _time.GetUtcNow() - TimeSpan.FromHours(1);
            while (_recent.Count > 0 && _recent.Peek() <= hourAgo)
            {
                _recent.Dequeue();
            }

            return _recent.Count >= _options.MaxPerHour ? InterventionOutcome.RefusedLimit : null;
        }
    }

    private SentinelReport Report(InterventionAction action, InterventionTarget target, InterventionOutcome outcome)
    {
        var (severity, verb) = outcome switch
        {
            InterventionOutcome.Executed => (ReportSeverity.Warning, "done"),
            InterventionOutcome.DryRun => (ReportSeverity.Info, "dry run: would have been done"),
            InterventionOutcome.Failed => (ReportSeverity.Error, "failed"),
            InterventionOutcome.NotFound => (ReportSeverity.Info, "not needed: already gone"),
            _ => (ReportSeverity.Warning, "refused (" + outcome + ")"),
        };
        var report = new SentinelReport
        {
            Kind = WatchdogReportKinds.Intervention,
            Severity = severity,
            Timestamp = _time.GetUtcNow(),
            Source = "watchdog",
            JobName = target.JobName,
            Message = string.Create(CultureInfo.InvariantCulture, $"Intervention {action} on {Describe(target)} because {target.Reason}: {verb}."),
            Details = new Dictionary<string, string>
            {
                ["action"] = action.ToString(),
                ["outcome"] = outcome.ToString(),
                ["namespace"] = target.Namespace,
                ["job"] = target.JobName ?? "",
                ["reason"] = target.Reason,
            },
        };
        lock (_lock)
        {
            if (outcome is InterventionOutcome.Executed or InterventionOutcome.NotFound or InterventionOutcome.DryRun)
            {
                _done++;
            }
            else
            {
                _refused++;
            }

            _last = report;
        }

        return report;
    }

    private static string Describe(InterventionTarget target) =>
        target.JobName is null ? $"workflow in namespace '{target.Namespace}'" : $"Job '{target.JobName}' in namespace '{target.Namespace}'";
}
