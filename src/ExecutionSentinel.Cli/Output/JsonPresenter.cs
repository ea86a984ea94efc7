using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ExecutionSentinel.Cli.Output;

/// <summary>
/// One JSON object per report per line (NDJSON), then one summary object: the records of <c>NdjsonLines.cs</c>, written
/// by <see cref="JsonSerializer"/> with snake_case keys throughout. <c>event</c> carries the Python tool's event names,
/// <c>kind</c> ours, which tells apart the kinds that share an event (<c>oom-kill</c> and <c>oom-risk</c> are both
/// <c>ANOMALY_OOMKILL</c>; <c>risk</c> is true on the second).
/// </summary>
internal sealed class JsonPresenter(Stream output) : IReportPresenter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Begin(IReadOnlyList<string> header)
    {
    }

    /// <summary>Whether a mass failure was reported: the Python tool's summary says so, whether or not it ended the watch.</summary>
    private bool _massFailure;

    public void Show(SentinelReport report)
    {
        _massFailure |= report.Kind == ReportKind.MassFailure;
        WriteLine(Line(report), NdjsonContext.Default.ReportLine);
    }

    public Task EndAsync(WatchSummary? summary, ProgressCounts lastProgress, TimeSpan elapsed)
    {
        if (summary is null)
        {
            WriteLine(new InterruptedLine(EventNames.Interrupted, Seconds(elapsed), ProgressLine.From(lastProgress)), NdjsonContext.Default.InterruptedLine);
        }
        else
        {
            WriteLine(Line(summary, _massFailure), NdjsonContext.Default.SummaryLine);
        }

        return Task.CompletedTask;
    }

    /// <summary>The line of one report.</summary>
    public static ReportLine Line(SentinelReport report) => new(
        EventNames.For(report.Kind),
        report.Kind.Name,
        Risk: report.Kind == ReportKind.OomRisk,
        Severity(report.Severity),
        report.Timestamp,
        report.Message,
        report.Source,
        report.TaskName,
        report.TaskType,
        report.JobName,
        ProgressLine.From(report.Progress),
        NdjsonDetails.For(report.Kind, report.Details));

    /// <summary>The line of the end of a watch.</summary>
    public static SummaryLine Line(WatchSummary summary, bool massFailure) => new(
        EventNames.Summary,
        summary.Outcome.ToString().ToLowerInvariant(),
        summary.ExitCode,
        summary.CompletedTasks,
        summary.FailedTasks,
        summary.UnknownTasks,
        summary.TotalTasks,
        summary.TimedOut,
        massFailure,
        Seconds(summary.Duration));

    private static string Severity(ReportSeverity severity) => severity.ToString().ToLowerInvariant();

    private static double Seconds(TimeSpan duration) => Math.Round(duration.TotalSeconds, 3);

    private void WriteLine<T>(T line, JsonTypeInfo<T> type)
    {
        using (var writer = new Utf8JsonWriter(output, Options))
        {
            JsonSerializer.Serialize(writer, line, type);
        }

        output.WriteByte((byte)'\n');
        output.Flush();
    }
}
