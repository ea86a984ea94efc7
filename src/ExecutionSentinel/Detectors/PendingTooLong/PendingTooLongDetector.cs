using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports a task that has stayed Pending longer than <see cref="PendingTooLongDetectorOptions.Timeout"/> (at once when it is
/// unschedulable for that long): Job pods are excluded from kube-state-metrics' KubePodNotReady, so nothing else says so.
/// Once per attempt.
/// </summary>
internal sealed class PendingTooLongDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<PendingTooLongDetectorOptions> _options;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The detector's options.</param>
    public PendingTooLongDetector(IOptionsMonitor<PendingTooLongDetectorOptions> options) => _options = options;

    /// <summary>How far past its limit a pending task is first looked at again: the loop's clock resolution.</summary>
    private static readonly TimeSpan PastTheLimit = TimeSpan.FromMilliseconds(1);

    /// <inheritdoc />
    public string Name => "pending";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.GetState<State>();
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            if (task.Phase == TaskPhase.Pending && !task.IsGone)
            {
                if (!state.Since.TryGetValue(task.Name, out var since) || since.Attempt != task.Attempt)
                {
                    // The first attempt has waited since its object was created, even when the watch started later.
                    var at = task.Attempt <= 1 && task.CreatedAt is { } created && created < context.Now ? created : context.Now;
                    state.Since[task.Name] = (task.Attempt, at, false);
                }
            }
            else
            {
                state.Since.Remove(task.Name);
            }
        }

        var timeout = _options.CurrentValue.Timeout;
        List<SentinelReport>? reports = null;
        foreach (var (name, since) in state.Since)
        {
            if (!since.Reported && context.Now - since.At <= timeout)
            {
                context.WakeAt(since.At + timeout + PastTheLimit); // "Longer than" the limit: the first instant after it.
            }

            if (since.Reported || context.Now - since.At <= timeout || !context.Tasks.TryGetValue(name, out var task))
            {
                continue;
            }

            state.Since[name] = since with { Reported = true };
            var why = task.SchedulingFailure is { } reason ? $" ({reason}: no node can take it)" : task.WaitingReason is { } waiting ? $" ({waiting})" : "";
            (reports ??= []).Add(context.Report(
                ReportKind.PendingTooLong,
                ReportSeverity.Warning,
                $"Task '{task.Name}' ({task.TaskType}) has been pending for {ReportText.Duration(context.Now - since.At)}{why}.",
                task,
                new Dictionary<string, string>
                {
                    ["pendingSeconds"] = ReportText.Seconds(context.Now - since.At),
                    ["schedulingFailure"] = task.SchedulingFailure ?? "",
                },
                identity: since.Attempt.ToString(CultureInfo.InvariantCulture)));
        }

        return (IEnumerable<SentinelReport>?)reports ?? [];
    }

    private sealed class State
    {
        public Dictionary<string, (int Attempt, DateTimeOffset At, bool Reported)> Since { get; } = new(StringComparer.Ordinal);
    }
}
