using System.Runtime.CompilerServices;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The sentinel with the watchdog in front: passes every report through, records findings for the status, and asks the
/// intervention gate to act on reports the policy maps to an action. Each watch records what it observes of its workflow's
/// Jobs (name, uid, phase), and an action aims only at those: the report's task's Job as observed, or the workflow's
/// running Jobs as observed. Every attempt's outcome is reported right after the report that caused it. Announcements that
/// belong to no single watch (leader election failing) are reported in every running watch as they come.
/// </summary>
internal sealed class WatchdogSentinel(ISentinel inner, InterventionGate gate, WatchdogAnnouncements announcements) : ISentinel
{
    private static readonly HashSet<ReportKind> Findings =
    [
        WatchdogReportKinds.WorkflowHung, WatchdogReportKinds.WorkflowStalled, WatchdogReportKinds.ConsistencyFinding,
        ReportKind.TaskLost, ReportKind.Straggler, ReportKind.MassFailure,
    ];

    public IAsyncEnumerable<SentinelReport> WatchAsync(MonitoringContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);

        // This watch's own instance of the context: the probe recognises the watch by it, even when a caller watches the
        // same context twice.
        var own = context with { };
        var reports = inner.WatchAsync(own, cancellationToken); // Validates eagerly, as the inner sentinel does.
        return WatchCoreAsync(own, reports, cancellationToken);
    }

    private async IAsyncEnumerable<SentinelReport> WatchCoreAsync(
        MonitoringContext context, IAsyncEnumerable<SentinelReport> reports, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var view = gate.Observed.Begin(context); // Before the inner watch attaches (at its first MoveNextAsync, below).
        var announced = announcements.Listen();
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = reports.GetAsyncEnumerator(stopWaiting.Token);
        Task<bool>? next = null;
        try
        {
            Task<bool>? waiting = null;
            while (true)
            {
                // The watch's own reports and the announcements (leader election failing) as they come, whichever first.
                next ??= enumerator.MoveNextAsync().AsTask();
                waiting ??= announced.Reader.WaitToReadAsync(stopWaiting.Token).AsTask();
                await Task.WhenAny(next, waiting).ConfigureAwait(false);
                if (waiting.IsCompleted)
                {
                    waiting = null;
                }

                while (announced.Reader.TryRead(out var announcement))
                {
                    yield return announcement;
                }

                if (!next.IsCompleted)
                {
                    continue;
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                next = null;
                var report = enumerator.Current;
                yield return report;
                if (Findings.Contains(report.Kind))
                {
                    gate.Record(report);
                }

                var action = gate.ActionFor(report);
                if (action is not (InterventionAction.TerminateTask or InterventionAction.TerminateWorkflow) || report.IsTerminal)
                {
                    continue;
                }

                if (action == InterventionAction.TerminateTask && report.JobName is null && report.TaskName is null)
                {
                    continue; // Nothing to aim at: the report names no task.
                }

                var resolution = action == InterventionAction.TerminateTask ? view.Find(report.TaskName, report.JobName) : InterventionGate.Workflow(view);
                var result = await gate.ActAsync(action, resolution, context.Namespace, report.JobName, $"{report.Kind.Name}: {report.Message}", cancellationToken)
                    .ConfigureAwait(false);
                yield return result.Report with { TaskName = report.TaskName, TaskType = report.TaskType, Progress = report.Progress };
            }
        }
        finally
        {
            announcements.Stop(announced);
            await stopWaiting.CancelAsync().ConfigureAwait(false);
            if (next is { IsCompleted: false })
            {
                // The consumer stopped while the inner watch was between reports: it ends on the cancellation, then goes.
                await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }

            await enumerator.DisposeAsync().ConfigureAwait(false);
            view.End();
        }
    }
}
