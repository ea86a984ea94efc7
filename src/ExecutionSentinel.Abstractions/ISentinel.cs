namespace ExecutionSentinel;

/// <summary>
/// Watches running workflow executions and streams what goes wrong, and when they end, as <see cref="SentinelReport"/>s.
/// </summary>
/// <remarks>
/// One instance serves any number of concurrent watches; each call to <see cref="WatchAsync"/> is independent.
/// </remarks>
public interface ISentinel
{
    /// <summary>
    /// Watches one workflow execution and yields its reports in the order they were raised.
    /// </summary>
    /// <param name="context">What to watch: namespace, engine pod, task inventory and DAG.</param>
    /// <param name="cancellationToken">Ends the watch; the enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// A stream that ends right after exactly one terminal report (<see cref="ReportKind.Completed"/>,
    /// <see cref="ReportKind.Failed"/> or <see cref="ReportKind.TimedOut"/>) whose <see cref="SentinelReport.Summary"/> is set.
    /// The stream is pulled: the watch observes the cluster only while the consumer asks for reports,
    /// so a slow consumer slows the watch down instead of losing reports.
    /// </returns>
    /// <exception cref="InvalidMonitoringContextException">The context is invalid; thrown before anything is watched, listing every problem.</exception>
    IAsyncEnumerable<SentinelReport> WatchAsync(MonitoringContext context, CancellationToken cancellationToken = default);
}
