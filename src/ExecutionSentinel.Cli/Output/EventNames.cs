namespace ExecutionSentinel.Cli.Output;

/// <summary>
/// The Python execution-sentinel's event names for our report kinds, so consumers of its output keep working:
/// PROGRESS, ANOMALY_OOMKILL, ANOMALY_STRAGGLER, MASS_FAILURE, CONNECTIVITY_LOSS, COMPLETION; every other kind
/// (ours, and custom detectors') is its name in upper case with underscores (TASK_LOST, POD_EVICTED…).
/// </summary>
internal static class EventNames
{
    public const string Summary = "SUMMARY";
    public const string Interrupted = "INTERRUPTED";

    public static string For(ReportKind kind)
    {
        if (kind == ReportKind.Progress || kind == ReportKind.PhaseStarted || kind == ReportKind.PhaseCompleted)
        {
            return "PROGRESS";
        }

        if (kind == ReportKind.OomKill || kind == ReportKind.OomRisk)
        {
            return "ANOMALY_OOMKILL";
        }

        if (kind == ReportKind.Straggler)
        {
            return "ANOMALY_STRAGGLER";
        }

        if (kind == ReportKind.MassFailure)
        {
            return "MASS_FAILURE";
        }

        if (kind == ReportKind.ConnectivityLost)
        {
            return "CONNECTIVITY_LOSS";
        }

        if (kind == ReportKind.Completed || kind == ReportKind.Failed)
        {
            return "COMPLETION";
        }

        return kind.Name.ToUpperInvariant().Replace('-', '_');
    }
}
