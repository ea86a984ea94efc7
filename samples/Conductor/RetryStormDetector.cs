using ExecutionSentinel;
using ExecutionSentinel.Detection;
using Microsoft.Extensions.Options;

namespace Conductor;

/// <summary>
/// A custom detector: reports, once per task type, when its tasks have been retried more than
/// <see cref="RetryStormOptions.MaxRetries"/> times in all (a bad image, a flaky node, a limit set too low).
/// </summary>
public sealed class RetryStormDetector(IOptionsMonitor<RetryStormOptions> options) : IAnomalyDetector
{
    /// <summary>The kind of report it raises.</summary>
    public static readonly ReportKind RetryStorm = new("retry-storm");

    /// <inheritdoc />
    public string Name => "retry-storm";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        if (context.Changes.Count == 0)
        {
            yield break; // Nothing changed: no attempt can have been added.
        }

        var retries = context.GetState<Dictionary<string, int>>(); // Private to this detector, per watch.
        foreach (var change in context.Changes)
        {
            var added = change.Current.Attempt - (change.Previous?.Attempt ?? 1);
            if (added > 0)
            {
                retries[change.Current.TaskType] = retries.GetValueOrDefault(change.Current.TaskType) + added;
            }
        }

        var max = options.CurrentValue.MaxRetries;
        foreach (var (type, count) in retries)
        {
            if (count > max && context.Episodes.Begin(type))
            {
                yield return context.Report(
                    RetryStorm,
                    ReportSeverity.Warning,
                    $"Tasks of type '{type}' have been retried {count} times, more than {max}.",
                    identity: type) with { TaskType = type };
            }
        }
    }
}
