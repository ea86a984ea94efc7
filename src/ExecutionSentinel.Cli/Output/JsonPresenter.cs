using System.Text.Encodings.Web;
using System.Text.Json;

namespace ExecutionSentinel.Cli.Output;

/// <summary>
/// One JSON object per report per line (NDJSON), then one summary object. Field names are stable and snake_case, as the
/// Python tool's; <c>event</c> carries its event names and <c>kind</c> ours.
/// </summary>
internal sealed class JsonPresenter(Stream output) : IReportPresenter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Begin(IReadOnlyList<string> header)
    {
    }

    public void Show(SentinelReport report) => WriteLine(writer =>
    {
        writer.WriteString("event", EventNames.For(report.Kind));
        writer.WriteString("kind", report.Kind.Name);
        writer.WriteString("severity", report.Severity.ToString().ToLowerInvariant());
        writer.WriteString("timestamp", report.Timestamp);
        writer.WriteString("message", report.Message);
        writer.WriteString("source", report.Source);
        writer.WriteString("task", report.TaskName);
        writer.WriteString("task_type", report.TaskType);
        writer.WritePropertyName("progress");
        Progress(writer, report.Progress);
        writer.WriteStartObject("details");
        foreach (var (key, value) in report.Details)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    });

    public Task EndAsync(WatchSummary? summary, ProgressCounts lastProgress, TimeSpan elapsed)
    {
        WriteLine(writer =>
        {
            if (summary is null)
            {
                writer.WriteString("event", EventNames.Interrupted);
                writer.WriteNumber("duration_seconds", elapsed.TotalSeconds);
                writer.WritePropertyName("progress");
                Progress(writer, lastProgress);
                return;
            }

            writer.WriteString("event", EventNames.Summary);
            writer.WriteString("outcome", summary.Outcome.ToString().ToLowerInvariant());
            if (summary.ExitCode is { } code)
            {
                writer.WriteNumber("exit_code", code);
            }
            else
            {
                writer.WriteNull("exit_code");
            }

            writer.WriteNumber("completed_tasks", summary.CompletedTasks);
            writer.WriteNumber("failed_tasks", summary.FailedTasks);
            writer.WriteNumber("total_tasks", summary.TotalTasks);
            writer.WriteBoolean("timed_out", summary.TimedOut);
            writer.WriteBoolean("mass_failure", summary.MassFailure);
            writer.WriteNumber("duration_seconds", Math.Round(summary.Duration.TotalSeconds, 3));
        });
        return Task.CompletedTask;
    }

    private static void Progress(Utf8JsonWriter writer, ProgressCounts progress)
    {
        writer.WriteStartObject();
        writer.WriteNumber("completed", progress.Completed);
        writer.WriteNumber("failed", progress.Failed);
        writer.WriteNumber("running", progress.Running);
        writer.WriteNumber("total", progress.Total);
        writer.WriteEndObject();
    }

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        using (var writer = new Utf8JsonWriter(output, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
        output.Flush();
    }
}
