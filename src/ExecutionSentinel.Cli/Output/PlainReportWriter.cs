using System.Globalization;

namespace ExecutionSentinel.Cli.Output;

/// <summary>Writes reports as plain lines: time since the watch started, severity, kind, message.</summary>
internal sealed class PlainReportWriter(TextWriter output, DateTimeOffset startedAt)
{
    public void Write(SentinelReport report)
    {
        var elapsed = report.Timestamp - startedAt;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[+{(int)elapsed.TotalHours:00}:{elapsed.Minutes:00}:{elapsed.Seconds:00}] {Severity(report.Severity),-5} {report.Kind.Name,-21} {report.Message}"));
    }

    public void WriteSummary(WatchSummary summary)
    {
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Outcome:   {summary.Outcome}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Tasks:     {summary.CompletedTasks} completed, {summary.FailedTasks} failed, {summary.TotalTasks} total"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exit code: {(summary.ExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none (the engine never signalled)")}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Duration:  {summary.Duration:hh\\:mm\\:ss} (simulated)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Timed out: {(summary.TimedOut ? "yes" : "no")}, mass failure: {(summary.MassFailure ? "yes" : "no")}"));
    }

    private static string Severity(ReportSeverity severity) => severity switch
    {
        ReportSeverity.Info => "INFO",
        ReportSeverity.Warning => "WARN",
        ReportSeverity.Error => "ERROR",
        _ => "CRIT",
    };
}
