using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Detectors;

/// <summary>Reports when the number of completed (or failed) tasks changes: one report per tick at most.</summary>
internal sealed class ProgressDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "progress";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = context.Progress;
        var before = context.PreviousProgress;
        if (now.Completed == before.Completed && now.Failed == before.Failed)
        {
            yield break;
        }

        var failed = now.Failed == 0 ? "" : $", {now.Failed} failed";
        yield return context.Report(
            ReportKind.Progress,
            ReportSeverity.Info,
            $"{now.Completed} of {now.Total} tasks completed{failed}.",
            details: new Dictionary<string, string>
            {
                ["completedDelta"] = (now.Completed - before.Completed).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["failedDelta"] = (now.Failed - before.Failed).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            identity: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{now.Completed}/{now.Failed}"));
    }
}
