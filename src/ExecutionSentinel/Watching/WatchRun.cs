using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Watching;

/// <summary>
/// The state of one watch between ticks: turns an observation (or a failed one) into the tick's reports,
/// runs every detector in isolation, and decides when the watch ends.
/// </summary>
internal sealed class WatchRun
{
    private const string SentinelSource = "sentinel";
    private readonly SentinelOptions _options;
    private readonly IReadOnlyList<IAnomalyDetector> _detectors;
    private readonly ILogger _logger;
    private readonly TaskLedger _ledger;
    private readonly DetectionContext _detection;
    private readonly HashSet<string> _reportedFaults = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreadableSignals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private bool _resumable;
    private int _consecutiveFailures;
    private bool _massFailure;

    public WatchRun(MonitoringContext context, SentinelOptions options, IReadOnlyList<IAnomalyDetector> detectors, DateTimeOffset startedAt, ILogger logger)
    {
        _options = options;
        _detectors = detectors;
        _logger = logger;
        _detection = new DetectionContext(context) { WatchStartedAt = startedAt, Now = startedAt };
        _ledger = new TaskLedger(_detection.Workflow);
        _detection.Tasks = _ledger.Tasks;
        _detection.Progress = _ledger.Progress;
        _detection.PreviousProgress = _ledger.Progress;
    }

    public DateTimeOffset StartedAt => _detection.WatchStartedAt;

    public int ConsecutiveFailures => _consecutiveFailures;

    /// <summary>The identities of the reports emitted so far (for checkpoints).</summary>
    public IReadOnlyCollection<string> Reported => _reported;

    /// <summary>The progress now.</summary>
    public ProgressCounts Progress => _detection.Progress;

    /// <summary>
    /// Makes the run resumable: reports are identified and never emitted twice, and a checkpoint's reports count as
    /// emitted already, so a resumed watch says only what is new.
    /// </summary>
    public void MakeResumable(ExecutionSentinel.Watchdog.WatchCheckpoint? checkpoint)
    {
        _resumable = true;
        if (checkpoint is not null)
        {
            _reported.UnionWith(checkpoint.Reported);
            _detection.ResumedFrom = checkpoint.SavedAt;
        }
    }

    /// <summary>The tasks the watch has seen so far.</summary>
    public int TrackedTasks => _ledger.TrackedCount;

    public DateTimeOffset Deadline => StartedAt + _options.WatchTimeout;

    /// <summary>Runs one tick. The last report returned is terminal when the watch ends.</summary>
    /// <param name="observation">What the probe saw, or <see langword="null"/> when it failed.</param>
    /// <param name="error">Why the probe failed, when it did.</param>
    /// <param name="now">The tick's time.</param>
    public List<SentinelReport> Tick(ClusterObservation? observation, string? error, DateTimeOffset now)
    {
        var reports = new List<SentinelReport>();
        _detection.Now = now;
        _detection.PreviousProgress = _detection.Progress;
        if (observation is null)
        {
            _consecutiveFailures++;
            _detection.Observation = new ObservationStatus(false, _consecutiveFailures, error);
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
        }

        RunDetectors(reports);

        if (_massFailure && _options.StopOnMassFailure)
        {
            reports.Add(Terminal(exitCode: null, timedOut: false));
        }
        else if (observation?.EngineSignal is { } signal)
        {
            if (signal.ExitCode is not null)
            {
                reports.Add(Terminal(signal.ExitCode, timedOut: false));
            }
            else if (_unreadableSignals.Add(signal.RawValue))
            {
                reports.Add(Sentinel(
                    ReportKind.SignalUnreadable,
                    ReportSeverity.Warning,
                    $"The engine's completion signal holds '{Truncate(signal.RawValue)}', which is not an exit code; still waiting for a valid one.",
                    new Dictionary<string, string> { ["raw"] = signal.RawValue }));
            }
        }

        AttachProgressByType(reports);
        if (_resumable)
        {
            reports.RemoveAll(r => !r.IsTerminal && !_reported.Add(ReportIdentity.Of(r)));
        }

        return reports;
    }

    /// <summary>The terminal report for a watch whose timeout passed.</summary>
    public SentinelReport TimeOut(DateTimeOffset now)
    {
        _detection.Now = now;
        return Terminal(exitCode: null, timedOut: true) with { ProgressByType = _ledger.ProgressByType() };
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
        foreach (var detector in _detectors)
        {
            _detection.DetectorName = detector.Name;
            try
            {
                foreach (var report in detector.Detect(_detection))
                {
                    if (report is null)
                    {
                        continue;
                    }

                    reports.Add(report);
                    _massFailure |= report.Kind == ReportKind.MassFailure;
                }
            }
#pragma warning disable CA1031 // A detector's fault must never take the watch down.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.DetectorFaulted(_logger, ex, detector.Name);
                if (_reportedFaults.Add($"{detector.Name}|{ex.GetType().FullName}|{ex.Message}"))
                {
                    reports.Add(Sentinel(
                        ReportKind.DetectorFault,
                        ReportSeverity.Error,
                        $"Detector '{detector.Name}' failed ({ex.GetType().Name}: {ex.Message}); it is isolated and the watch goes on.",
                        new Dictionary<string, string>
                        {
                            ["detector"] = detector.Name,
                            ["exception"] = ex.GetType().FullName ?? ex.GetType().Name,
                            ["error"] = ex.Message,
                        }));
                }
            }
        }

        _detection.DetectorName = SentinelSource;
    }

    private SentinelReport Terminal(int? exitCode, bool timedOut)
    {
        var progress = _detection.Progress;
        var summary = new WatchSummary
        {
            CompletedTasks = progress.Completed,
            FailedTasks = progress.Failed,
            TotalTasks = progress.Total,
            ExitCode = exitCode,
            TimedOut = timedOut,
            MassFailure = _massFailure,
            Duration = _detection.Now - StartedAt,
        };
        var duration = Format.Duration(summary.Duration);
        var (kind, severity, message) = summary.Outcome switch
        {
            WatchOutcome.TimedOut => (ReportKind.TimedOut, ReportSeverity.Error,
                $"The engine did not signal completion within {Format.Duration(_options.WatchTimeout)}: {progress}."),
            WatchOutcome.Failed when exitCode is null => (ReportKind.Failed, ReportSeverity.Critical,
                $"The workflow failed: mass failure with {progress}, after {duration}."),
            WatchOutcome.Failed => (ReportKind.Failed, ReportSeverity.Critical,
                $"The workflow failed with exit code {exitCode}: {progress}, after {duration}."),
            _ => (ReportKind.Completed, ReportSeverity.Info,
                $"The workflow completed: {progress}, in {duration}."),
        };
        var details = new Dictionary<string, string>
        {
            ["outcome"] = summary.Outcome.ToString(),
            ["durationSeconds"] = summary.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        if (exitCode is not null)
        {
            details["exitCode"] = exitCode.Value.ToString(CultureInfo.InvariantCulture);
        }

        return Sentinel(kind, severity, message, details) with { Summary = summary };
    }

    private SentinelReport Sentinel(ReportKind kind, ReportSeverity severity, string message, IReadOnlyDictionary<string, string> details)
    {
        _detection.DetectorName = SentinelSource;
        return _detection.Report(kind, severity, message, details: details);
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..77] + "...";
}
