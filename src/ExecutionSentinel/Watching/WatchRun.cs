using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.History;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Watching;

/// <summary>
/// The state of one watch between ticks: turns an observation (or a failed one) into the tick's reports,
/// runs every detector in isolation, and decides when the watch ends.
/// </summary>
internal sealed class WatchRun
{
    private const string ExecDenialKey = "create|pods/exec";
    private readonly SentinelOptions _options;
    private readonly IReadOnlyList<IAnomalyDetector> _detectors;
    private readonly ILogger _logger;
    private readonly TaskLedger _ledger;
    private readonly DetectionContext _detection;
    private readonly HashSet<string> _reportedFaults = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreadableSignals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deniedReported = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedBefore = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stragglers = new(StringComparer.Ordinal);
    private readonly List<SentinelReport> _announced = [];
    private string? _signalFailureReported;
    private bool _resumable;
    private bool _unsaved;
    private int _consecutiveFailures;
    private SentinelReport? _endedBy;
    private EngineSignal? _endSignal;
    private DateTimeOffset? _endSignalledAt;

    public WatchRun(MonitoringContext context, SentinelOptions options, IReadOnlyList<IAnomalyDetector> detectors, DateTimeOffset startedAt, ILogger logger)
    {
        _options = options;
        _detectors = detectors;
        _logger = logger;
        _detection = new DetectionContext(context) { WatchStartedAt = startedAt, Now = startedAt };
        _ledger = new TaskLedger(_detection.Workflow, context.TaskInventory);
        _detection.Tasks = _ledger.Tasks;
        _detection.Progress = _ledger.Progress;
        _detection.PreviousProgress = _ledger.Progress;
    }

    public DateTimeOffset StartedAt => _detection.WatchStartedAt;

    public int ConsecutiveFailures => _consecutiveFailures;

    /// <summary>The identities of the reports the consumer has taken so far, and of those a checkpoint said were (for checkpoints).</summary>
    public IReadOnlyCollection<string> Reported => _taken;

    /// <summary>Whether reports were taken since the last checkpoint was saved.</summary>
    public bool HasUnsavedReports => _unsaved;

    /// <summary>The progress now.</summary>
    public ProgressCounts Progress => _detection.Progress;

    /// <summary>
    /// Whether the engine has signalled and the run is waiting, within <see cref="SentinelOptions.CompletionGrace"/>, for
    /// tasks still shown unfinished: the loop then ticks sooner than its poll interval.
    /// </summary>
    public bool IsFinishing => _endSignal is not null;

    /// <summary>
    /// Makes the run resumable: reports are identified, and a checkpoint's reports count as said already, so a resumed
    /// watch says only what is new (at least once: a report taken but not yet saved may be said again).
    /// </summary>
    public void MakeResumable(ExecutionSentinel.Checkpoints.WatchCheckpoint? checkpoint)
    {
        _resumable = true;
        if (checkpoint is not null)
        {
            _reportedBefore.UnionWith(checkpoint.Reported);
            _taken.UnionWith(checkpoint.Reported);
            _detection.ResumedFrom = checkpoint.SavedAt;
        }
    }

    /// <summary>Gives the detectors what earlier runs took (see <see cref="DetectionContext.Baselines"/>).</summary>
    public void UseBaselines(DurationBaselines baselines) => _detection.Baselines = baselines;

    /// <summary>A report of the sentinel's own, made before the first tick (such as history-unavailable), said with the first tick's reports.</summary>
    public void Announce(ReportKind kind, ReportSeverity severity, string message, IReadOnlyDictionary<string, string> details) =>
        _announced.Add(Sentinel(kind, severity, message, details));

    /// <summary>
    /// What this run teaches its workflow's history: each succeeded task's last attempt, start to end, except tasks this watch
    /// reported as stragglers against an expectation other than the in-run median (a straggler's duration is what the
    /// history must not come to call normal). A task called slow only against its type's median in this run is learned:
    /// before any history exists that median is all the rule has, and a node that is long by design (one transformation
    /// fed a larger input) would otherwise never be learned and be flagged in every later run.
    /// </summary>
    public RunDurations LearnedDurations(DateTimeOffset endedAt, WatchOutcome outcome)
    {
        var tasks = new List<TaskDuration>();
        foreach (var task in _ledger.Tasks.Values)
        {
            if (task.Phase == TaskPhase.Succeeded && task.StartedAt is { } started && task.FinishedAt is { } finished
                && finished >= started && !_stragglers.Contains(task.Name))
            {
                tasks.Add(new TaskDuration { Name = task.Name, TaskType = task.TaskType, Duration = finished - started });
            }
        }

        return new RunDurations { EndedAt = endedAt, Outcome = outcome, Tasks = tasks };
    }

    /// <summary>Records that the consumer took a report: only then does a checkpoint count it as said.</summary>
    public void MarkTaken(SentinelReport report)
    {
        if (_resumable && !report.IsTerminal && _taken.Add(ReportIdentity.Of(report)))
        {
            _unsaved = true;
        }
    }

    /// <summary>Records that a checkpoint holding every taken report was saved.</summary>
    public void MarkSaved() => _unsaved = false;

    /// <summary>The tasks the watch has seen so far.</summary>
    public int TrackedTasks => _ledger.TrackedCount;

    public DateTimeOffset Deadline => StartedAt + _options.WatchTimeout;

    /// <summary>The earliest time a detector asked, during the last tick, to be called again at (see <see cref="DetectionContext.WakeAt"/>).</summary>
    public DateTimeOffset? WakeRequest => _detection.WakeRequest;

    /// <summary>Runs one tick. The last report returned is terminal when the watch ends.</summary>
    /// <param name="observation">What the probe saw, or <see langword="null"/> when it failed.</param>
    /// <param name="error">Why the probe failed, when it did.</param>
    /// <param name="now">The tick's time.</param>
    /// <param name="denied">The refusal, when the probe failed because the cluster denied access.</param>
    public List<SentinelReport> Tick(ClusterObservation? observation, string? error, DateTimeOffset now, AccessDenial? denied = null)
    {
        var reports = new List<SentinelReport>();
        _detection.Now = now;
        if (_announced.Count > 0)
        {
            reports.AddRange(_announced.Select(r => r with { Timestamp = now }));
            _announced.Clear();
        }

        _detection.WakeRequest = null;
        _detection.PreviousProgress = _detection.Progress;
        if (observation is null)
        {
            _consecutiveFailures++;
            _detection.Observation = new ObservationStatus(false, _consecutiveFailures, error) { AccessDenied = denied };
            _detection.Changes = [];
        }
        else
        {
            _consecutiveFailures = 0;
            _detection.Observation = new ObservationStatus(true, 0, null);
            _detection.Changes = _ledger.Apply(observation.Tasks);
            _detection.Progress = _ledger.Progress;
            if (observation.EngineSignal is not null)
            {
                _detection.EngineSignal = observation.EngineSignal;
            }

            _detection.EnginePodPresent = observation.EnginePodPresent ?? _detection.EnginePodPresent;
            _detection.SignalReadFailure = observation.SignalReadFailure;
        }

        RunDetectors(reports);
        var abort = ReportAccess(observation, denied, reports);
        ReportSignal(observation, now, reports);

        if (abort is not null)
        {
            reports.Add(Terminal(exitCode: null, timedOut: false, abort));
        }
        else if (_endedBy is not null)
        {
            reports.Add(Terminal(exitCode: null, timedOut: false));
        }
        else if (_endSignal is { } end && (!AnyTaskShownUnfinished() || now - _endSignalledAt!.Value >= _options.CompletionGrace))
        {
            // A marker says the run ended, not how: the exit code comes from every task this watch saw fail, deleted or not.
            reports.Add(Terminal(end.ExitCode ?? (_detection.Progress.Failed > 0 ? 1 : 0), timedOut: false, inferred: end.IsEndMarker ? end.RawValue : null));
        }

        AttachProgressByType(reports);
        if (_resumable && _reportedBefore.Count > 0)
        {
            reports.RemoveAll(r => !r.IsTerminal && _reportedBefore.Contains(ReportIdentity.Of(r)));
        }

        return reports;
    }

    /// <summary>The terminal report for a watch whose timeout passed.</summary>
    public SentinelReport TimeOut(DateTimeOffset now)
    {
        _detection.Now = now;
        return Terminal(exitCode: null, timedOut: true) with { ProgressByType = _ledger.ProgressByType() };
    }

    /// <summary>Whether a task seen is still shown running or pending: the engine's signal may have outrun the API server.</summary>
    private bool AnyTaskShownUnfinished()
    {
        foreach (var task in _ledger.Tasks.Values)
        {
            if (!task.IsFinished && !task.IsGone)
            {
                return true;
            }
        }

        return false;
    }

    private void ReportSignal(ClusterObservation? observation, DateTimeOffset now, List<SentinelReport> reports)
    {
        if (observation is null)
        {
            return;
        }

        if (observation.SignalReadFailure is { AccessDenied: null } failure)
        {
            if (_signalFailureReported != failure.Reason)
            {
                _signalFailureReported = failure.Reason;
                Log.SignalReadFailed(_logger, _detection.Context.Namespace, failure.Reason);
                reports.Add(Sentinel(
                    ReportKind.SignalReadFailed,
                    ReportSeverity.Error,
                    $"The engine's completion signal cannot be read ({failure.Reason}): the sentinel cannot tell when the workflow ends, and will not call it stalled meanwhile.",
                    new Dictionary<string, string> { ["reason"] = failure.Reason },
                    identity: failure.Reason));
            }
        }
        else if (observation.SignalReadFailure is null)
        {
            _signalFailureReported = null;
        }

        if (observation.EngineSignal is not { } signal || _endSignal is not null)
        {
            return;
        }

        if (signal.ExitCode is not null || signal.IsEndMarker)
        {
            _endSignal = signal;
            _endSignalledAt = now;
        }
        else if (_unreadableSignals.Add(signal.RawValue))
        {
            reports.Add(Sentinel(
                ReportKind.SignalUnreadable,
                ReportSeverity.Warning,
                $"The engine's completion signal holds '{Truncate(signal.RawValue)}', which is not an exit code; still waiting for a valid one.",
                new Dictionary<string, string> { ["raw"] = signal.RawValue },
                identity: signal.RawValue));
        }
    }

    /// <summary>Reports each refusal once until it clears; returns the refusal that ends the watch, if it must end.</summary>
    private AccessDenial? ReportAccess(ClusterObservation? observation, AccessDenial? denied, List<SentinelReport> reports)
    {
        if (observation is not null)
        {
            // The observation worked: refusals of reads are over; a refused exec is over once the signal reads again.
            _deniedReported.RemoveWhere(key => key != ExecDenialKey);
            if (observation.SignalReadFailure?.AccessDenied is null)
            {
                _deniedReported.Remove(ExecDenialKey);
            }
        }

        var denial = denied ?? observation?.SignalReadFailure?.AccessDenied;
        if (denial is null)
        {
            return null;
        }

        if (_deniedReported.Add($"{denial.Verb}|{denial.Resource}"))
        {
            Log.AccessDenied(_logger, _detection.Context.Namespace, denial.ToString());
            reports.Add(Sentinel(
                ReportKind.AccessDenied,
                ReportSeverity.Critical,
                $"The cluster refuses to let the sentinel {denial.Verb} {denial.Resource} in namespace '{denial.Namespace}' ({denial.StatusCode}: {denial.Message}). "
                + (_options.StopOnAccessDenied ? "The watch stops." : "Grant it (see docs/rbac.yaml); the watch goes on and tries again."),
                new Dictionary<string, string>
                {
                    ["verb"] = denial.Verb,
                    ["resource"] = denial.Resource,
                    ["namespace"] = denial.Namespace,
                    ["statusCode"] = denial.StatusCode.ToString(CultureInfo.InvariantCulture),
                },
                identity: $"{denial.Verb} {denial.Resource}"));
        }

        return _options.StopOnAccessDenied ? denial : null;
    }

    /// <summary>Progress, phase and terminal reports carry the counts per type, computed once per tick when needed.</summary>
    private void AttachProgressByType(List<SentinelReport> reports)
    {
        IReadOnlyDictionary<string, ProgressCounts>? byType = null;
        for (var i = 0; i < reports.Count; i++)
        {
            var kind = reports[i].Kind;
            if (kind == ReportKind.Progress || kind == ReportKind.PhaseStarted || kind == ReportKind.PhaseCompleted || kind.IsTerminal)
            {
                reports[i] = reports[i] with { ProgressByType = byType ??= _ledger.ProgressByType() };
            }
        }
    }

    private void RunDetectors(List<SentinelReport> reports)
    {
        for (var slot = 0; slot < _detectors.Count; slot++)
        {
            var detector = _detectors[slot];
            _detection.EnterDetector(slot, detector.Name);
            try
            {
                foreach (var report in detector.Detect(_detection))
                {
                    if (report is null)
                    {
                        continue;
                    }

                    reports.Add(report);
                    if (report.Kind == ReportKind.Straggler && report.TaskName is { } straggler && !JudgedByTheInRunMedian(report))
                    {
                        _stragglers.Add(straggler);
                    }

                    if (report.EndsWatch && !report.IsTerminal)
                    {
                        _endedBy ??= report;
                    }
                }
            }
#pragma warning disable CA1031 // A detector's fault must never take the watch down.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.DetectorFaulted(_logger, ex, detector.Name);
                // Once per detector and exception type: a message that varies (a time, a count) must not make one report per tick.
                var fault = $"{detector.Name}|{ex.GetType().FullName}";
                if (_reportedFaults.Add(fault))
                {
                    reports.Add(Sentinel(
                        ReportKind.DetectorFault,
                        ReportSeverity.Error,
                        $"Detector '{detector.Name}' failed ({ex.GetType().Name}: {ex.Message}); it is isolated and the watch goes on. Further {ex.GetType().Name}s from it are logged, not reported.",
                        new Dictionary<string, string>
                        {
                            ["detector"] = detector.Name,
                            ["exception"] = ex.GetType().FullName ?? ex.GetType().Name,
                            ["error"] = ex.Message,
                        },
                        identity: fault));
                }
            }
        }

        _detection.LeaveDetector();
    }

    private SentinelReport Terminal(int? exitCode, bool timedOut, AccessDenial? aborted = null, string? inferred = null)
    {
        var progress = _detection.Progress;
        var unknown = _ledger.UnfinishedTaskNames();
        var summary = new WatchSummary
        {
            CompletedTasks = progress.Completed,
            FailedTasks = progress.Failed,
            TotalTasks = progress.Total,
            UnknownTaskNames = unknown,
            ExitCode = exitCode,
            TimedOut = timedOut,
            EndedBy = _endedBy?.Kind,
            Duration = _detection.Now - StartedAt,
            SignalReadFailure = _detection.SignalReadFailure?.Reason,
            AccessDenied = aborted,
        };
        var duration = Format.Duration(summary.Duration);
        var counts = Counts(summary);
        var unread = summary.SignalReadFailure is { } reason ? $" The engine's signal could not be read ({reason}): it may have finished unseen." : "";
        var (kind, severity, message) = summary.Outcome switch
        {
            WatchOutcome.Aborted when aborted is not null => (ReportKind.Aborted, ReportSeverity.Critical,
                $"The watch stopped: the cluster refuses to let the sentinel {aborted.Verb} {aborted.Resource} ({aborted.StatusCode}: {aborted.Message}). Nothing is known of the workflow's outcome: {counts}."),
            WatchOutcome.Aborted => (ReportKind.Aborted, ReportSeverity.Critical,
                $"The watch ended after {Format.Duration(_options.WatchTimeout)} without being able to read the engine's signal ({summary.SignalReadFailure}): the workflow may have finished unseen, so this is no timeout verdict: {counts}."),
            WatchOutcome.TimedOut => (ReportKind.TimedOut, ReportSeverity.Error,
                $"The engine did not signal completion within {Format.Duration(_options.WatchTimeout)}: {counts}.{unread}"),
            WatchOutcome.Failed when exitCode is null => (ReportKind.Failed, ReportSeverity.Critical,
                $"The workflow failed: {_endedBy?.Kind.Name} ended the watch ({_endedBy?.Message}) with {counts}, after {duration}."),
            WatchOutcome.Failed => (ReportKind.Failed, ReportSeverity.Critical,
                $"The workflow failed with exit code {exitCode}{Inferred(inferred)}: {counts}, after {duration}."),
            _ => (ReportKind.Completed, ReportSeverity.Info,
                $"The workflow completed{Inferred(inferred)}: {counts}, in {duration}."),
        };
        var details = new Dictionary<string, string>
        {
            ["outcome"] = summary.Outcome.ToString(),
            ["durationSeconds"] = summary.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            ["unknownTasks"] = summary.UnknownTasks.ToString(CultureInfo.InvariantCulture),
        };
        if (exitCode is not null)
        {
            details["exitCode"] = exitCode.Value.ToString(CultureInfo.InvariantCulture);
        }

        if (inferred is not null)
        {
            details["exitCodeInferredFrom"] = inferred;
        }

        return Sentinel(kind, severity, message, details) with { Summary = summary };
    }

    private static string Inferred(string? marker) => marker is null ? "" : $" (exit code inferred from the failures seen: {marker})";

    /// <summary>Every task accounted for: completed + failed + unknown = total, the unknown ones named.</summary>
    private static string Counts(WatchSummary summary)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{summary.CompletedTasks}/{summary.TotalTasks} completed, {summary.FailedTasks} failed, {summary.UnknownTasks} unknown");
        if (summary.UnknownTasks == 0)
        {
            return text;
        }

        const int Shown = 5;
        var names = string.Join(", ", summary.UnknownTaskNames.Take(Shown));
        return summary.UnknownTasks > Shown ? $"{text} ({names} and {summary.UnknownTasks - Shown} more)" : $"{text} ({names})";
    }

    private SentinelReport Sentinel(ReportKind kind, ReportSeverity severity, string message, IReadOnlyDictionary<string, string> details, string? identity = null)
    {
        _detection.LeaveDetector();
        return _detection.Report(kind, severity, message, details: details, identity: identity);
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..77] + "...";

    private static bool JudgedByTheInRunMedian(SentinelReport report) =>
        report.Details.TryGetValue("expectedFrom", out var from) && from == "median";
}
