namespace ExecutionSentinel.Watching;

/// <summary>
/// What makes two reports the same report, for a resumed watch: the kind, the source, the task and the identity the
/// report's detector declared (<see cref="SentinelReport.Identity"/>). The loop knows nothing of particular detectors:
/// a detector that says a kind more than once per task must tell its occurrences apart, or a resumed watch would keep
/// the second one quiet.
/// </summary>
internal static class ReportIdentity
{
    public static string Of(SentinelReport report) =>
        string.Join('|', report.Kind.Name, report.Source, report.TaskName ?? "", report.Identity ?? "");
}
