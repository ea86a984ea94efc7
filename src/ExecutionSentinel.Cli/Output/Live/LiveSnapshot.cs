namespace ExecutionSentinel.Cli.Output.Live;

/// <summary>What the live view shows at one moment: the input of <see cref="LiveLayout"/>, which lays it out.</summary>
/// <param name="Header">What is watched (the command's lines: the workflow, the injected faults).</param>
/// <param name="Clock">Which clock the elapsed time is on: "wall clock", or "simulated" in the demo.</param>
/// <param name="Elapsed">Since the watch started, now (not at the last report: the clock moves on a quiet workflow too).</param>
/// <param name="Connectivity">Whether the cluster can be observed.</param>
/// <param name="Progress">The workflow's counts at the last report.</param>
/// <param name="ByType">The counts per task type, in the inventory's order.</param>
/// <param name="Feed">The newest anomalies kept, oldest first.</param>
/// <param name="FeedTotal">How many anomalies there were in all (the feed keeps only the newest).</param>
internal sealed record LiveSnapshot(
    IReadOnlyList<string> Header,
    string Clock,
    TimeSpan Elapsed,
    ConnectivityState Connectivity,
    ProgressCounts Progress,
    IReadOnlyList<KeyValuePair<string, ProgressCounts>> ByType,
    IReadOnlyList<FeedEntry> Feed,
    int FeedTotal);

/// <summary>One line of the anomaly feed.</summary>
/// <param name="Elapsed">When it was raised, since the watch started.</param>
internal sealed record FeedEntry(TimeSpan Elapsed, ReportSeverity Severity, string Kind, string Message);
