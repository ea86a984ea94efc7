using ExecutionSentinel.Detection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>Reports, once per watch, when failed ÷ total tasks rises above <see cref="SentinelOptions.MassFailureThreshold"/>.</summary>
public sealed class MassFailureDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<SentinelOptions> _options;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The sentinel's options.</param>
    public MassFailureDetector(IOptionsMonitor<SentinelOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "mass-failure";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var threshold = _options.CurrentValue.MassFailureThreshold;
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
            $"{progress.Failed} of {progress.Total} tasks have failed ({Format.Ratio(progress.FailedRatio * 100)}%), above the mass-failure threshold of {Format.Ratio(threshold * 100)}%.",
            details: new Dictionary<string, string>
            {
                ["failedRatio"] = Format.Ratio(progress.FailedRatio),
                ["threshold"] = Format.Ratio(threshold),
            }) with { EndsWatch = _options.CurrentValue.StopOnMassFailure };
    }
}
