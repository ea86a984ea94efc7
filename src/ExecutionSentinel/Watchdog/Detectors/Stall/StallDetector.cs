using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// HyperFlow's infinite wait: every task seen has ended (finished, failed, evicted or lost), the engine has not signalled,
/// and no task has appeared or changed for <see cref="StallDetectorOptions.Timeout"/>. Reported once per stall; a task that
/// appears or changes ends the stall.
/// </summary>
internal sealed class StallDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<StallDetectorOptions> _options;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The detector's options.</param>
    public StallDetector(IOptionsMonitor<StallDetectorOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "stall";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.GetState<State>();
        if (context.Changes.Count > 0 || state.LastChange is null)
        {
            state.LastChange = context.Now;
            state.Reported = false;
            return [];
        }

        // An unreadable signal is not silence: the engine may have ended unseen.
        if (state.Reported || !context.Observation.Succeeded || context.EngineSignal is not null || context.SignalReadFailure is not null || context.Tasks.Count == 0
            || context.Tasks.Values.Any(t => !t.IsFinished && !t.IsGone))
        {
            return [];
        }

        var quiet = context.Now - state.LastChange.Value;
        if (quiet < _options.CurrentValue.Timeout)
        {
            return [];
        }

        state.Reported = true;
        var lost = context.Tasks.Values.Count(t => t.IsGone && !t.IsFinished);
        var missing = context.Progress.Total - context.Tasks.Count;
        return
        [
            context.Report(
                WatchdogReportKinds.WorkflowStalled,
                ReportSeverity.Critical,
                $"The workflow has stalled: every task seen has ended ({context.Progress.Completed} completed, {context.Progress.Failed} failed, {lost} lost), "
                + $"{(missing > 0 ? $"{missing} never started, " : "")}and for {ReportText.Duration(quiet)} nothing has changed and the engine has not signalled: "
                + "it is waiting for work that will never report back.",
                details: new Dictionary<string, string>
                {
                    ["quietSeconds"] = ReportText.Seconds(quiet),
                    ["since"] = state.LastChange.Value.ToString("O", CultureInfo.InvariantCulture), // tells this stall from a later one
                    ["lost"] = lost.ToString(CultureInfo.InvariantCulture),
                    ["neverStarted"] = Math.Max(missing, 0).ToString(CultureInfo.InvariantCulture),
                },
                identity: state.LastChange.Value.ToString("O", CultureInfo.InvariantCulture)),
        ];
    }

    private sealed class State
    {
        public DateTimeOffset? LastChange { get; set; }

        public bool Reported { get; set; }
    }
}
