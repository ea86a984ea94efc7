using System.Globalization;
using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports containers stuck waiting for a reason that will not fix itself (image pull and configuration errors,
/// crash loops) and Jobs that reached <c>FailureTarget</c>: once per task, reason and attempt.
/// kube-state-metrics' rules wait 15 minutes to an hour for these.
/// </summary>
internal sealed class ContainerTroubleDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "container-trouble";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            if (task.WaitingReason is { } waiting && Classify(waiting) is { } trouble
                && context.Episodes.Begin(string.Create(CultureInfo.InvariantCulture, $"{task.Name}|{waiting}|{task.Attempt}")))
            {
                yield return context.Report(
                    trouble.Kind,
                    ReportSeverity.Error,
                    $"Task '{task.Name}' ({task.TaskType}) {trouble.Text} ({waiting}).",
                    task,
                    new Dictionary<string, string> { ["reason"] = waiting },
                    identity: string.Create(CultureInfo.InvariantCulture, $"{waiting}#{task.Attempt}"));
            }

            if (task.JobFailureTarget is { } target && context.Episodes.Begin(task.Name + "|FailureTarget"))
            {
                yield return context.Report(
                    ReportKind.JobFailureTarget,
                    ReportSeverity.Error,
                    $"The Job of task '{task.Name}' ({task.TaskType}) will fail ({target}); Kubernetes marks it failed once its pods terminate.",
                    task,
                    new Dictionary<string, string> { ["reason"] = target });
            }
        }
    }

    private static (ReportKind Kind, string Text)? Classify(string reason) => reason switch
    {
        "ImagePullBackOff" or "ErrImagePull" or "InvalidImageName" or "ErrImageNeverPull" => (ReportKind.ImagePullError, "cannot pull its image"),
        "CreateContainerConfigError" or "CreateContainerError" or "RunContainerError" => (ReportKind.ConfigurationError, "cannot start its container"),
        "CrashLoopBackOff" => (ReportKind.CrashLoop, "keeps crashing"),
        _ => null,
    };
}
