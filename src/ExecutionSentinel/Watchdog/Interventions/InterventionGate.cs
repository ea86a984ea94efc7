using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Every write of the watchdog passes here, to the cluster (deleting a Job) or to the application's ledger (marking an
/// execution failed): off unless enabled, dry run when asked, never after a systemic failure, only from the leader, and at
/// most <see cref="InterventionOptions.MaxPerHour"/> an hour. Leadership is asked again immediately before each write
/// (with the lease's renew deadline as a fence), and the hourly limit is checked and recorded in one step in a record
/// every replica shares. An intervention aims only at Jobs a watch observed as its workflow's tasks, by uid, and still
/// running. Every attempt, done or refused, becomes a report with its outcome. Keeps the watchdog's status.
/// </summary>
internal sealed class InterventionGate
{
    private const int MaxFindings = 20;
    private readonly IClusterActuator _actuator;
    private readonly ILeadership _leadership;
    private readonly InterventionOptions _options;
    private readonly TimeProvider _time;
    private readonly IInterventionRecord _record;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _counting = new(1, 1);
    private readonly Queue<SentinelReport> _findings = new();
    private volatile bool _suspended;
    private int _done;
    private int _refused;
    private SentinelReport? _last;
    private int _hangs;

    internal InterventionGate(
        IClusterActuator actuator,
        ILeadership leadership,
        InterventionOptions options,
        TimeProvider time,
        IInterventionRecord record,
        ObservedJobs observed,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(actuator);
        ArgumentNullException.ThrowIfNull(leadership);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(observed);
        _actuator = actuator;
        _leadership = leadership;
        _options = options;
        _time = time;
        _record = record;
        Observed = observed;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Told of every intervention's outcome, by action name (the library's metrics listen here).</summary>
    internal Action<string, InterventionOutcome>? Observer { get; set; }

    /// <summary>What the watches observed: the only Jobs an intervention may aim at.</summary>
    internal ObservedJobs Observed { get; }

    /// <summary>Whether the gate stopped acting after a systemic failure (until <see cref="Resume"/>).</summary>
    public bool Suspended => _suspended;

    /// <summary>The action the policy maps a report to.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The action; <see cref="InterventionAction.None"/> unless configured.</returns>
    public InterventionAction ActionFor(SentinelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return _options.Actions.TryGetValue(report.Kind.Name, out var action) ? action : InterventionAction.None;
    }

    /// <summary>Stops acting (after a systemic failure).</summary>
    public void Suspend() => _suspended = true;

    /// <summary>Acts again after a suspension.</summary>
    public void Resume() => _suspended = false;

    /// <summary>
    /// Tries an intervention and reports it, done or not. The target is looked up among the Jobs the running watches
    /// observed: <see cref="InterventionAction.TerminateTask"/> acts on the observed, running Job of that namespace and name
    /// (and uid, when given); <see cref="InterventionAction.TerminateWorkflow"/> on the running Jobs the watch of the workflow
    /// named by <see cref="InterventionTarget.EnginePodName"/> observed as its tasks. Anything else is refused.
    /// </summary>
    /// <param name="action">What to do: <see cref="InterventionAction.TerminateTask"/> or <see cref="InterventionAction.TerminateWorkflow"/>.</param>
    /// <param name="target">On what.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome and its report.</returns>
    public async Task<(InterventionOutcome Outcome, SentinelReport Report)> InterveneAsync(InterventionAction action, InterventionTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var resolution = action switch
        {
            InterventionAction.TerminateTask => Observed.FindJob(target.Namespace, target.JobName, target.ExpectedUid),
            InterventionAction.TerminateWorkflow => KubernetesNames.IsNamespace(target.Namespace) && Observed.FindWorkflow(target.Namespace, target.EnginePodName) is { } view
                ? Workflow(view)
                : Resolution.Refused(InterventionOutcome.RefusedNotObserved),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Only TerminateTask and TerminateWorkflow act."),
        };
        var result = await ActAsync(action, resolution, target.Namespace, target.JobName, target.Reason, cancellationToken).ConfigureAwait(false);
        return (result.Outcome, result.Report);
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
            while (_findings.Count > MaxFindings)
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
                LeaderElectionFailure = _leadership is LeaseLeadership { LastFailure: { } failure } ? failure.Message : null,
                Suspended = Suspended,
            };
        }
    }

    /// <summary>The running Jobs a watch observed as its workflow's tasks; nothing to act on when there are none.</summary>
    internal static Resolution Workflow(WatchView view)
    {
        var running = view.Running();
        return running.Count == 0 ? Resolution.Refused(InterventionOutcome.NotFound) : new Resolution(running, null);
    }

    /// <summary>Terminates what <paramref name="resolution"/> found, through the gate, and reports it.</summary>
    internal async Task<InterventionResult> ActAsync(
        InterventionAction action, Resolution resolution, string @namespace, string? jobName, string reason, CancellationToken cancellationToken)
    {
        var admission = new WriteAdmission(this);
        var outcome = PolicyRefusal() ?? resolution.Refusal ?? DryRunRefusal() ?? LeaderRefusal();
        if (outcome is null)
        {
            try
            {
                outcome = await TerminateAllAsync(resolution.Jobs, admission, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.InterventionFailed(_logger, ex, action.ToString(), KubernetesNames.Shown(jobName ?? @namespace));
                outcome = InterventionOutcome.Failed;
            }
        }

        var single = action == InterventionAction.TerminateTask && resolution.Jobs.Count == 1 ? resolution.Jobs[0].Identity : null;
        var details = new Dictionary<string, string>
        {
            ["namespace"] = KubernetesNames.Shown(@namespace),
            ["job"] = KubernetesNames.Shown(single?.Name ?? jobName ?? ""),
            ["uid"] = single?.Uid ?? "",
        };
        if (action == InterventionAction.TerminateWorkflow)
        {
            details["jobs"] = resolution.Jobs.Count.ToString(CultureInfo.InvariantCulture);
        }

        var what = single?.ToString()
            ?? (action == InterventionAction.TerminateWorkflow
                ? string.Create(CultureInfo.InvariantCulture, $"the workflow's {resolution.Jobs.Count} running Jobs in namespace '{KubernetesNames.Shown(@namespace)}'")
                : $"Job '{KubernetesNames.Shown(jobName)}' in namespace '{KubernetesNames.Shown(@namespace)}'");
        return new InterventionResult(outcome.Value, Report(action.ToString(), what, single?.Name ?? jobName, reason, outcome.Value, details), admission);
    }

    /// <summary>
    /// Marks an execution failed in the application's ledger, through the gate: the mode, the suspension, leadership and
    /// the hourly limit, as for a delete. <paramref name="continuing"/> is the admission of the termination this write
    /// completes (it took the limit's unit already; leadership is asked again all the same).
    /// </summary>
    internal async Task<LedgerWrite> MarkFailedAsync(
        IExecutionLedger ledger, LedgerExecution execution, string reason, WriteAdmission? continuing, CancellationToken cancellationToken)
    {
        var outcome = PolicyRefusal() ?? DryRunRefusal() ?? LeaderRefusal();
        var changed = false;
        if (outcome is null)
        {
            outcome = await (continuing ?? new WriteAdmission(this)).AdmitAsync(cancellationToken).ConfigureAwait(false);
            if (outcome is null)
            {
                try
                {
                    changed = await ledger.TryMarkFailedAsync(execution.Id, reason, cancellationToken).ConfigureAwait(false);
                    outcome = InterventionOutcome.Executed;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.InterventionFailed(_logger, ex, "MarkFailed", execution.Id);
                    outcome = InterventionOutcome.Failed;
                }
            }
        }

        var details = new Dictionary<string, string>
        {
            ["namespace"] = KubernetesNames.Shown(execution.Namespace),
            ["job"] = KubernetesNames.Shown(execution.JobName),
            ["execution"] = execution.Id,
        };
        var report = Report("MarkFailed", $"execution '{execution.Id}' in the application's ledger", execution.JobName, reason, outcome.Value, details);
        return new LedgerWrite(outcome.Value, changed, report);
    }

    /// <summary>Why no write may go ahead now, or <see langword="null"/> when one may: asked immediately before each write.</summary>
    internal InterventionOutcome? WriteRefusal() =>
        PolicyRefusal() ?? DryRunRefusal() ?? LeaderRefusal();

    /// <summary>Counts one intervention in the shared record, unless the hourly limit is reached (one compare-and-swap).</summary>
    internal async ValueTask<InterventionOutcome?> CountAsync(CancellationToken cancellationToken)
    {
        await _counting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _record.TryRecordAsync(_time.GetUtcNow(), _options.MaxPerHour, () => _leadership.IsLeader, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _counting.Release();
        }
    }

    private InterventionOutcome? PolicyRefusal() =>
        _options.Mode == InterventionMode.Off ? InterventionOutcome.RefusedOff
        : _suspended ? InterventionOutcome.RefusedSuspended
        : null;

    private InterventionOutcome? DryRunRefusal() => _options.Mode == InterventionMode.DryRun ? InterventionOutcome.DryRun : null;

    private InterventionOutcome? LeaderRefusal() => _leadership.IsLeader ? null : InterventionOutcome.RefusedNotLeader;

    private async Task<InterventionOutcome> TerminateAllAsync(IReadOnlyList<ObservedJob> jobs, WriteAdmission admission, CancellationToken cancellationToken)
    {
        int executed = 0, failed = 0, notOurs = 0;
        InterventionOutcome last = InterventionOutcome.NotFound;
        foreach (var job in jobs)
        {
            last = await _actuator.TerminateJobAsync(job.Identity, admission, cancellationToken).ConfigureAwait(false);
            switch (last)
            {
                case InterventionOutcome.Executed:
                    executed++;
                    break;
                case InterventionOutcome.Failed:
                    failed++;
                    break;
                case InterventionOutcome.RefusedNotOurs:
                    notOurs++;
                    break;
                case InterventionOutcome.NotFound or InterventionOutcome.RefusedNotRunning:
                    break;
                default:
                    return last; // The gate said no (off, dry run, suspended, not the leader, the limit): nothing more is written.
            }
        }

        return jobs.Count == 1 ? last
            : failed > 0 ? InterventionOutcome.Failed
            : executed > 0 ? InterventionOutcome.Executed
            : notOurs > 0 ? InterventionOutcome.RefusedNotOurs
            : InterventionOutcome.NotFound;
    }

    private SentinelReport Report(string action, string what, string? jobName, string reason, InterventionOutcome outcome, Dictionary<string, string> details)
    {
        var (severity, verb) = outcome switch
        {
            InterventionOutcome.Executed => (ReportSeverity.Warning, "done"),
            InterventionOutcome.DryRun => (ReportSeverity.Info, "dry run: would have been done"),
            InterventionOutcome.Failed => (ReportSeverity.Error, "failed"),
            InterventionOutcome.NotFound => (ReportSeverity.Info, "not needed: already gone"),
            _ => (ReportSeverity.Warning, "refused (" + outcome + ")"),
        };
        details["action"] = action;
        details["outcome"] = outcome.ToString();
        details["reason"] = reason;
        var report = new SentinelReport
        {
            Kind = WatchdogReportKinds.Intervention,
            Severity = severity,
            Timestamp = _time.GetUtcNow(),
            Source = "watchdog",
            JobName = jobName is null ? null : KubernetesNames.Shown(jobName),
            Message = string.Create(CultureInfo.InvariantCulture, $"Intervention {action} on {what} because {reason}: {verb}."),
            Details = details,
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

        Observer?.Invoke(action, outcome);
        Log.InterventionDone(_logger, action, what, outcome.ToString());
        return report;
    }
}

/// <summary>How an intervention ended, its report, and its admission (for a ledger write that completes it).</summary>
internal sealed record InterventionResult(InterventionOutcome Outcome, SentinelReport Report, WriteAdmission Admission);

/// <summary>How a ledger write ended: whether it changed the execution (false when it was no longer running), and its report.</summary>
internal sealed record LedgerWrite(InterventionOutcome Outcome, bool Changed, SentinelReport Report);
