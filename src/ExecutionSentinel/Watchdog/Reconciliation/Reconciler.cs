using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Compares what the application's ledger calls running with the cluster, one cycle at a time, by this decision matrix:
/// <list type="bullet">
/// <item>the cluster cannot answer → skipped, nothing written ("unreachable" is unknown, never "gone");</item>
/// <item>finished on the cluster → skipped (finished but not yet recorded: the application will record it);</item>
/// <item>missing, younger than the dispatch grace → skipped;</item>
/// <item>missing, but a watch saw its Job finish within the Jobs' TTL plus a grace (a tombstone) → skipped (deleted by its TTL);</item>
/// <item>missing, and no watch of its namespace has observed since before its dispatch → skipped (unknown, never "gone");</item>
/// <item>missing otherwise → re-read; still missing → an orphan, marked failed through the gate and the ledger's guarded update;</item>
/// <item>running within its timeout → confirmed;</item>
/// <item>running past it → re-read; still running → the Job a watch observed under that name (its uid), if still running,
/// is terminated through the intervention gate, then the execution is marked failed through the gate; a failed or refused
/// termination writes nothing;</item>
/// <item>a guarded update that finds the execution no longer running → nothing more (not counted, no report);</item>
/// <item>one execution's error → logged and counted; the others are still processed.</item>
/// </list>
/// When more than half of a cycle's actions fail, the gate is suspended and a systemic failure is reported. Every write,
/// to the cluster or to the ledger, goes through the gate: mode, dry run, leadership, the hourly limit.
/// </summary>
/// <remarks>Public because applications that register an <see cref="IExecutionLedger"/> resolve it and run its cycles.</remarks>
public sealed class Reconciler
{
    private readonly IExecutionLedger _ledger;
    private readonly IExecutionCluster _cluster;
    private readonly InterventionGate _gate;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the reconciler.</summary>
    /// <param name="ledger">The application's record.</param>
    /// <param name="cluster">The cluster's view.</param>
    /// <param name="gate">The gate every termination passes.</param>
    /// <param name="options">The dispatch grace and the default timeout.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where isolated errors are logged.</param>
    internal Reconciler(IExecutionLedger ledger, IExecutionCluster cluster, InterventionGate gate, ReconcilerOptions options, TimeProvider time, ILogger<Reconciler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _ledger = ledger;
        _cluster = cluster;
        _gate = gate;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Runs a cycle every <paramref name="interval"/> (on the reconciler's clock) until cancelled.</summary>
    /// <param name="interval">The time between cycles' starts.</param>
    /// <param name="cancellationToken">Ends the loop.</param>
    /// <returns>Each cycle as it ends. A cycle that throws (the ledger could not be read) ends the loop with its exception.</returns>
    public async IAsyncEnumerable<ReconciliationCycle> RunAsync(TimeSpan interval, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        while (true)
        {
            var started = _time.GetUtcNow();
            yield return await RunCycleAsync(cancellationToken).ConfigureAwait(false);
            var wait = started + interval - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one cycle.</summary>
    /// <param name="cancellationToken">Cancels the cycle.</param>
    /// <returns>What it found and did.</returns>
    public async Task<ReconciliationCycle> RunCycleAsync(CancellationToken cancellationToken = default)
    {
        var executions = await _ledger.GetRunningAsync(cancellationToken).ConfigureAwait(false);
        var tally = new Tally();
        foreach (var execution in executions)
        {
            try
            {
                await ReconcileAsync(execution, tally, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ExecutionReconcileFailed(_logger, ex, execution.Id);
                tally.Errors++;
            }
        }

        var systemic = tally.Attempted > 0 && tally.Failed * 2 > tally.Attempted;
        if (systemic)
        {
            _gate.Suspend();
            tally.Reports.Add(Report(
                WatchdogReportKinds.SystemicFailure,
                ReportSeverity.Critical,
                null,
                $"{tally.Failed} of {tally.Attempted} watchdog actions failed in one cycle: the watchdog stopped acting until resumed.",
                new Dictionary<string, string> { ["attempted"] = Number(tally.Attempted), ["failed"] = Number(tally.Failed) }));
        }

        foreach (var report in tally.Reports)
        {
            _gate.Record(report);
        }

        return new ReconciliationCycle
        {
            Confirmed = tally.Confirmed,
            Skipped = tally.Skipped,
            OrphansRecovered = tally.Orphans,
            OverrunsTerminated = tally.Terminated,
            RacesLost = tally.RacesLost,
            Errors = tally.Errors,
            ActionsAttempted = tally.Attempted,
            ActionsFailed = tally.Failed,
            SystemicFailure = systemic,
            Reports = tally.Reports,
        };
    }

    private async Task ReconcileAsync(LedgerExecution execution, Tally tally, CancellationToken cancellationToken)
    {
        var state = await _cluster.GetStateAsync(execution, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        switch (state.Presence)
        {
            case ClusterPresence.Missing when now - execution.DispatchedAt < _options.DispatchGrace:
            case ClusterPresence.Unknown:
            case ClusterPresence.Finished:
                tally.Skipped++;
                return;
            case ClusterPresence.Missing:
                await RecoverOrphanAsync(execution, tally, now, cancellationToken).ConfigureAwait(false);
                return;
        }

        var timeout = execution.Timeout ?? execution.OwnerTimeout ?? _options.DefaultTimeout;
        var ranFor = now - (state.StartedAt ?? execution.DispatchedAt);
        if (ranFor <= timeout)
        {
            tally.Confirmed++;
            return;
        }

        // Re-verify: it may have finished between the first read and now (finished, not yet recorded).
        var again = await _cluster.GetStateAsync(execution, cancellationToken).ConfigureAwait(false);
        if (again.Presence != ClusterPresence.Running)
        {
            tally.Skipped++;
            return;
        }

        tally.Attempted++;
        var reason = string.Create(CultureInfo.InvariantCulture, $"execution '{execution.Id}' ran {ranFor.TotalSeconds:0} s, past its timeout of {timeout.TotalSeconds:0} s");

        // The ledger's name is only a key: the target is the Job a watch observed under that name (its uid), still running.
        var resolution = _gate.Observed.FindJob(execution.Namespace, execution.JobName, again.Uid ?? state.Uid);
        var terminated = await _gate.ActAsync(InterventionAction.TerminateTask, resolution, execution.Namespace, execution.JobName, reason, cancellationToken)
            .ConfigureAwait(false);
        tally.Reports.Add(terminated.Report);
        if (terminated.Outcome is not (InterventionOutcome.Executed or InterventionOutcome.NotFound))
        {
            NotDone(execution, reason, terminated.Outcome, tally);
            return;
        }

        // The second write of the same intervention: through the gate again (leadership is asked again right before it).
        var marked = await _gate.MarkFailedAsync(_ledger, execution, "terminated by the watchdog: " + reason, terminated.Admission, cancellationToken).ConfigureAwait(false);
        if (marked.Outcome == InterventionOutcome.Executed && !marked.Changed)
        {
            tally.RacesLost++; // Finished and recorded meanwhile: the guard kept the real outcome.
            return;
        }

        tally.Reports.Add(marked.Report);
        if (marked.Outcome != InterventionOutcome.Executed)
        {
            NotDone(execution, reason, marked.Outcome, tally);
            return;
        }

        tally.Terminated++;
        tally.Reports.Add(Report(WatchdogReportKinds.ExecutionOverrun, ReportSeverity.Error, execution,
            $"Execution '{execution.Id}' ({execution.JobName}) {reason}: terminated and marked failed.", Facts(execution, terminated.Outcome)));
    }

    /// <summary>An action refused (not counted as attempted) or failed (counted): the overrun is reported, nothing more.</summary>
    private void NotDone(LedgerExecution execution, string reason, InterventionOutcome outcome, Tally tally)
    {
        tally.Failed += outcome == InterventionOutcome.Failed ? 1 : 0;
        tally.Attempted -= outcome == InterventionOutcome.Failed ? 0 : 1; // A refusal or a dry run is not a failed action.
        tally.Reports.Add(Report(WatchdogReportKinds.ExecutionOverrun, ReportSeverity.Warning, execution,
            $"Execution '{execution.Id}' ({execution.JobName}) {reason}; it was not terminated ({outcome}).", Facts(execution, outcome)));
    }

    private async Task RecoverOrphanAsync(LedgerExecution execution, Tally tally, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A Job a watch saw finish may have been deleted by its TTL before the application recorded the end: not an orphan.
        // And without a watch of the namespace since before the dispatch, finished-and-deleted cannot be told from
        // never-created: unknown, never "gone".
        if (_gate.Observed.EndedRecently(execution.Namespace, execution.JobName) || !_gate.Observed.Covers(execution.Namespace, execution.DispatchedAt))
        {
            tally.Skipped++;
            return;
        }

        // Re-verify before acting: a slow registration or a flaky read must not make an orphan.
        var again = await _cluster.GetStateAsync(execution, cancellationToken).ConfigureAwait(false);
        if (again.Presence != ClusterPresence.Missing || _gate.Observed.EndedRecently(execution.Namespace, execution.JobName))
        {
            tally.Skipped++;
            return;
        }

        tally.Attempted++;
        var age = now - execution.DispatchedAt;
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"orphaned: the ledger calls it running but its Job '{execution.JobName}' is not on the cluster, {age.TotalSeconds:0} s after dispatch, and no watch saw it finish");
        var marked = await _gate.MarkFailedAsync(_ledger, execution, reason, continuing: null, cancellationToken).ConfigureAwait(false);
        if (marked.Outcome != InterventionOutcome.Executed)
        {
            tally.Reports.Add(marked.Report);
            tally.Failed += marked.Outcome == InterventionOutcome.Failed ? 1 : 0;
            tally.Attempted -= marked.Outcome == InterventionOutcome.Failed ? 0 : 1;
            return;
        }

        if (!marked.Changed)
        {
            tally.RacesLost++; // Finished and recorded meanwhile: the guard kept the real outcome.
            return;
        }

        tally.Orphans++;
        tally.Reports.Add(marked.Report);
        tally.Reports.Add(Report(WatchdogReportKinds.OrphanRecovered, ReportSeverity.Error, execution,
            $"Execution '{execution.Id}' was {reason}: marked failed.", Facts(execution, null)));
    }

    private SentinelReport Report(ReportKind kind, ReportSeverity severity, LedgerExecution? execution, string message, IReadOnlyDictionary<string, string> details) => new()
    {
        Kind = kind,
        Severity = severity,
        Timestamp = _time.GetUtcNow(),
        Source = "watchdog",
        Message = message,
        TaskName = execution?.TaskName,
        JobName = execution?.JobName,
        Details = details,
    };

    private static Dictionary<string, string> Facts(LedgerExecution execution, InterventionOutcome? outcome)
    {
        var facts = new Dictionary<string, string> { ["execution"] = execution.Id, ["namespace"] = execution.Namespace, ["job"] = execution.JobName };
        if (outcome is { } value)
        {
            facts["outcome"] = value.ToString();
        }

        return facts;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Tally
    {
        public int Confirmed { get; set; }

        public int Skipped { get; set; }

        public int Orphans { get; set; }

        public int Terminated { get; set; }

        public int RacesLost { get; set; }

        public int Errors { get; set; }

        public int Attempted { get; set; }

        public int Failed { get; set; }

        public List<SentinelReport> Reports { get; } = [];
    }
}
