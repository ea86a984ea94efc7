using System.Globalization;
using ExecutionSentinel.Detection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports connectivity lost after <see cref="SentinelOptions.ConnectivityFailureThreshold"/> failed observations in a row,
/// and restored at the next success: one pair per outage.
/// </summary>
internal sealed class ConnectivityDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<SentinelOptions> _options;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The sentinel's options.</param>
    public ConnectivityDetector(IOptionsMonitor<SentinelOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "connectivity";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.GetState<State>();
        var observation = context.Observation;
        if (observation.AccessDenied is not null)
        {
            // A refusal is reported as access denied: the cluster answered, so this is no outage, and no step towards one.
            state.Failures = 0;
            yield break;
        }

        if (!observation.Succeeded)
        {
            state.Failures++;
            state.OutageStartedAt ??= context.Now;
            if (!state.Lost && state.Failures >= _options.CurrentValue.ConnectivityFailureThreshold)
            {
                state.Lost = true;
                yield return context.Report(
                    ReportKind.ConnectivityLost,
                    ReportSeverity.Error,
                    $"The cluster cannot be observed: {state.Failures} attempts in a row failed ({observation.LastError}). Still trying.",
                    details: new Dictionary<string, string>
                    {
                        ["consecutiveFailures"] = state.Failures.ToString(CultureInfo.InvariantCulture),
                        ["error"] = observation.LastError ?? "",
                        ["everObserved"] = state.EverObserved ? "true" : "false",
                    },
                    identity: Seconds(context.Now));
            }

            yield break;
        }

        if (state.Lost)
        {
            var outage = context.Now - (state.OutageStartedAt ?? context.Now);
            yield return context.Report(
                ReportKind.ConnectivityRestored,
                ReportSeverity.Info,
                $"The cluster can be observed again after {ReportText.Duration(outage)}.",
                details: new Dictionary<string, string> { ["outageSeconds"] = ReportText.Seconds(outage) },
                identity: Seconds(context.Now));
        }

        state.Lost = false;
        state.Failures = 0;
        state.EverObserved = true;
        state.OutageStartedAt = null;
    }

    /// <summary>An outage is told from another by when it was said.</summary>
    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed class State
    {
        /// <summary>Failed observations in a row, refusals not counted (they are answers).</summary>
        public int Failures { get; set; }

        public bool Lost { get; set; }

        /// <summary>Whether any observation has succeeded in this watch: lost connectivity before that means an unreachable cluster.</summary>
        public bool EverObserved { get; set; }

        public DateTimeOffset? OutageStartedAt { get; set; }
    }
}
