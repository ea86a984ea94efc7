using System.Globalization;

namespace ExecutionSentinel.Cli.Output;

/// <summary>Plain lines (for logs, pipes and files): time since the watch started, severity, kind, message.</summary>
internal sealed class PlainPresenter(TextWriter output, DateTimeOffset startedAt, string clock) : IReportPresenter
{
    public void Begin(IReadOnlyList<string> header)
    {
        foreach (var line in header)
        {
            output.WriteLine(line);
        }

        output.WriteLine();
    }

    /// <summary>Whether a mass failure was reported, whether or not it ended the watch.</summary>
    private bool _massFailure;

    public void Show(SentinelReport report)
    {
        _massFailure |= report.Kind == ReportKind.MassFailure;
        var elapsed = report.Timestamp - startedAt;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[+{(int)elapsed.TotalHours:00}:{elapsed.Minutes:00}:{elapsed.Seconds:00}] {Severity(report.Severity),-5} {report.Kind.Name,-21} {report.Message}"));
    }

    public Task EndAsync(WatchSummary? summary, ProgressCounts lastProgress, TimeSpan elapsed)
    {
        output.WriteLine();
        if (summary is null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Interrupted after {elapsed:hh\\:mm\\:ss} ({clock}): {lastProgress}."));
            return Task.CompletedTask;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Outcome:   {summary.Outcome}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Tasks:     {summary.CompletedTasks} completed, {summary.FailedTasks} failed, {summary.TotalTasks} total"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exit code: {(summary.ExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none (the engine never signalled)")}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Duration:  {summary.Duration:hh\\:mm\\:ss} ({clock})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Timed out: {(summary.TimedOut ? "yes" : "no")}, mass failure: {(_massFailure ? "yes" : "no")}"));
        return Task.CompletedTask;
    }

    public static string Severity(ReportSeverity severity) => severity switch
    {
        ReportSeverity.Info => "INFO",
        ReportSeverity.Warning => "WARN",
        ReportSeverity.Error => "ERROR",
        _ => "CRIT",
    };
}
