using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Reports a workflow that has running tasks but no progress and no activity for longer than
/// <see cref="HangDetectorOptions.Threshold"/>, counted from the later of its last move and the moment the last running
/// task with an expected duration was due (a long task within its expected time is working, not hung). The level follows elapsed ÷ threshold: LOW under 1.5, MEDIUM under 2,
/// HIGH under 3, CRITICAL from 3; each level is reported at most once per hang, so a hang escalates instead of repeating.
/// </summary>
internal sealed class HangDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<HangDetectorOptions> _options;
    private readonly WorkflowActivity? _activity;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The detector's options.</param>
    /// <param name="activity">Activity the conductor reports, if it does.</param>
    public HangDetector(IOptionsMonitor<HangDetectorOptions> options, WorkflowActivity? activity = null)
    {
        _options = options;
        _activity = activity;
    }

    /// <inheritdoc />
    public string Name => "hang";

    /// <summary>The level of a hang that has lasted <paramref name="ratio"/> times the threshold.</summary>
    /// <param name="ratio">Elapsed ÷ threshold.</param>
    /// <returns>LOW, MEDIUM, HIGH or CRITICAL.</returns>
    public static string Level(double ratio) => ratio < 1.5 ? "LOW" : ratio < 2 ? "MEDIUM" : ratio < 3 ? "HIGH" : "CRITICAL";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Observation.Succeeded)
        {
            return [];
        }

        var state = context.GetState<State>();
        var lastMove = context.Changes.Count > 0 || context.Progress != context.PreviousProgress || state.LastMove is null ? context.Now : state.LastMove.Value;
        if (_activity?.LastActivity(context.Context.Namespace) is { } activity && activity > lastMove)
        {
            lastMove = activity;
        }

        if (lastMove != state.LastMove)
        {
            state.LastMove = lastMove;
            state.Reported = 0; // It moved: a later hang is a new one.
        }

        if (context.Progress.Running == 0)
        {
            return [];
        }

        var threshold = _options.CurrentValue.Threshold;
        if (context.Now - lastMove <= threshold)
        {
            return [];
        }

        var quietFrom = LatestDue(context) is { } due && due > lastMove ? due : lastMove;
        var elapsed = context.Now - quietFrom;
        if (elapsed <= threshold)
        {
            context.WakeAt(quietFrom + threshold);
            return [];
        }

        var ratio = elapsed / threshold;
        var level = ratio < 1.5 ? 1 : ratio < 2 ? 2 : ratio < 3 ? 3 : 4;
        if (level <= state.Reported)
        {
            return [];
        }

        state.Reported = level;
        var name = Level(ratio);
        var severity = level switch { 1 => ReportSeverity.Info, 2 => ReportSeverity.Warning, 3 => ReportSeverity.Error, _ => ReportSeverity.Critical };
        return
        [
            context.Report(
                WatchdogReportKinds.WorkflowHung,
                severity,
                $"The workflow looks hung ({name}): {context.Progress.Running} task(s) running, but nothing has progressed or moved for {ReportText.Duration(context.Now - lastMove)}, {ReportText.Duration(elapsed)} of it past every running task's expected duration ({ReportText.Ratio(ratio)}× the {ReportText.Duration(threshold)} threshold).",
                details: new Dictionary<string, string>
                {
                    ["level"] = name,
                    ["since"] = lastMove.ToString("O", CultureInfo.InvariantCulture), // tells this hang from a later one
                    ["elapsedSeconds"] = ReportText.Seconds(elapsed),
                    ["ratio"] = ratio.ToString("0.##", CultureInfo.InvariantCulture),
                    ["running"] = context.Progress.Running.ToString(CultureInfo.InvariantCulture),
                },
                identity: $"{lastMove.ToString("O", CultureInfo.InvariantCulture)}|{name}"),
        ];
    }

    /// <summary>When the last running task with an expected duration is due to end; null when none has one.</summary>
    private static DateTimeOffset? LatestDue(DetectionContext context)
    {
        DateTimeOffset? latest = null;
        foreach (var task in context.Tasks.Values)
        {
            if (task.Phase == TaskPhase.Running && !task.IsGone && task.StartedAt is { } started
                && context.Workflow.FindSpec(task.Name)?.ExpectedDuration is { } expected
                && (latest is null || started + expected > latest))
            {
                latest = started + expected;
            }
        }

        return latest;
    }

    private sealed class State
    {
        public DateTimeOffset? LastMove { get; set; }

        public int Reported { get; set; }
    }
}
