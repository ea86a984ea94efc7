using System.Runtime.CompilerServices;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The sentinel with the watchdog in front: passes every report through, records findings for the status, and asks the
/// intervention gate to act on reports the policy maps to an action. Every attempt's outcome is reported right after
/// the report that caused it.
/// </summary>
internal sealed class WatchdogSentinel(ISentinel inner, InterventionGate gate) : ISentinel
{
    private static readonly HashSet<ReportKind> Findings =
    [
        WatchdogReportKinds.WorkflowHung, WatchdogReportKinds.WorkflowStalled, WatchdogReportKinds.ConsistencyFinding,
        ReportKind.TaskLost, ReportKind.Straggler, ReportKind.MassFailure,
    ];

    public IAsyncEnumerable<SentinelReport> WatchAsync(MonitoringContext context, CancellationToken cancellationToken = default)
    {
        var reports = inner.WatchAsync(context, cancellationToken); // Validates eagerly, as the inner sentinel does.
        return WatchCoreAsync(context, reports, cancellationToken);
    }

    private async IAsyncEnumerable<SentinelReport> WatchCoreAsync(
        MonitoringContext context, IAsyncEnumerable<SentinelReport> reports, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var report in reports.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return report;
            if (Findings.Contains(report.Kind))
            {
                gate.Record(report);
            }

            var action = gate.ActionFor(report);
            if (action == InterventionAction.None || report.IsTerminal)
            {
                continue;
            }

            var job = action == InterventionAction.TerminateTask ? report.JobName : null;
            if (action == InterventionAction.TerminateTask && job is null)
            {
                continue; // Nothing to aim at: the report names no Job.
            }

            var target = new InterventionTarget(context.Namespace, job, ExpectedUid: null, $"{report.Kind.Name}: {report.Message}");
            var (_, intervention) = await gate.InterveneAsync(action, target, cancellationToken).ConfigureAwait(false);
            yield return intervention with { TaskName = report.TaskName, TaskType = report.TaskType, Progress = report.Progress };
        }
    }
}
