namespace ExecutionSentinel.Cli.Output;

/// <summary>Shows a watch to a person or a program: plain lines, NDJSON, or a live terminal view.</summary>
internal interface IReportPresenter
{
    /// <summary>Before the first report: what is being watched.</summary>
    void Begin(IReadOnlyList<string> header);

    void Show(SentinelReport report);

    /// <summary>After the last report: the summary, or what was known when the watch was interrupted.</summary>
    Task EndAsync(WatchSummary? summary, ProgressCounts lastProgress, TimeSpan elapsed);
}
