using ExecutionSentinel.Cli.Output;

namespace ExecutionSentinel.Cli.Commands;

/// <summary>Hands every report to the presenter and turns the end of the watch into an exit code.</summary>
internal static class ReportLoop
{
    public static async Task<int> RunAsync(IReportPresenter presenter, IAsyncEnumerable<SentinelReport> reports, DateTimeOffset startedAt, TimeProvider time, CancellationToken cancellationToken)
    {
        var last = default(ProgressCounts);
        try
        {
            await foreach (var report in reports.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                presenter.Show(report);
                last = report.Progress;
                if (report.Kind == ReportKind.ConnectivityLost && report.Details.GetValueOrDefault("everObserved") == "false")
                {
                    // Never observed once: the cluster is not there, not merely flaky. Say so now rather than at the timeout.
                    await presenter.EndAsync(null, last, report.Timestamp - startedAt).ConfigureAwait(false);
                    await Console.Error.WriteLineAsync($"execution-sentinel: cannot reach the cluster: {report.Message}").ConfigureAwait(false);
                    return ExitCodes.ClusterUnreachable;
                }

                if (report.Summary is { } summary)
                {
                    await presenter.EndAsync(summary, last, summary.Duration).ConfigureAwait(false);
                    return ExitCodes.For(summary);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await presenter.EndAsync(null, last, time.GetUtcNow() - startedAt).ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }

        return ExitCodes.TimedOut;
    }
}
