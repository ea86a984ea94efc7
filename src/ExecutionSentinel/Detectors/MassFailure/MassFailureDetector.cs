using ExecutionSentinel.Detection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>Reports, once per watch, when failed ÷ total tasks rises above <see cref="MassFailureDetectorOptions.Threshold"/>.</summary>
internal sealed class MassFailureDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<MassFailureDetectorOptions> _options;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The detector's options.</param>
    public MassFailureDetector(IOptionsMonitor<MassFailureDetectorOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "mass-failure";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var threshold = _options.CurrentValue.Threshold;
        var progress = context.Progress;
        if (progress.FailedRatio <= threshold || progress.Failed == context.PreviousProgress.Failed)
        {
            yield break;
        }

        if (!context.Episodes.Begin("mass-failure"))
        {
            yield break; // Once per watch: failures do not un-fail.
        }

        yield return context.Report(
            ReportKind.MassFailure,
            ReportSeverity.Critical,
            $"{progress.Failed} of {progress.Total} tasks have failed ({ReportText.Ratio(progress.FailedRatio * 100)}%), above the mass-failure threshold of {ReportText.Ratio(threshold * 100)}%.",
            details: new Dictionary<string, string>
            {
                ["failedRatio"] = ReportText.Ratio(progress.FailedRatio),
                ["threshold"] = ReportText.Ratio(threshold),
            }) with { EndsWatch = _options.CurrentValue.StopWatch };
    }
}
