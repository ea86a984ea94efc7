using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ExecutionSentinel.Cli.Output;

/// <summary>One report, as one NDJSON line (<c>--output json</c>). The schema is documented in docs/cli.md.</summary>
/// <param name="Event">The Python tool's event name (<c>ANOMALY_OOMKILL</c>…); several kinds can share one.</param>
/// <param name="Kind">Our report kind (<c>oom-kill</c>, <c>oom-risk</c>…): tells apart the kinds that share an event.</param>
/// <param name="Risk">Whether the report warns of what may happen (<c>oom-risk</c>) rather than saying what happened.</param>
/// <param name="Severity"><c>info</c>, <c>warning</c>, <c>error</c> or <c>critical</c>.</param>
/// <param name="Timestamp">When the report was raised, ISO 8601.</param>
/// <param name="Message">One sentence for a person.</param>
/// <param name="Source">The detector or component that raised it.</param>
/// <param name="Task">The task it concerns, or null.</param>
/// <param name="TaskType">The task type it concerns, or null.</param>
/// <param name="JobName">The Job of the task it concerns, or null.</param>
/// <param name="Progress">The workflow's counts when the report was raised.</param>
/// <param name="Details">The facts behind the message, snake_case keys, typed values.</param>
internal sealed record ReportLine(
    string Event,
    string Kind,
    bool Risk,
    string Severity,
    DateTimeOffset Timestamp,
    string Message,
    string Source,
    string? Task,
    string? TaskType,
    string? JobName,
    ProgressLine Progress,
    IReadOnlyDictionary<string, JsonNode?> Details);

/// <summary>Task counts.</summary>
internal sealed record ProgressLine(int Completed, int Failed, int Running, int Total)
{
    public static ProgressLine From(ProgressCounts counts) => new(counts.Completed, counts.Failed, counts.Running, counts.Total);
}

/// <summary>The last line of a watch that ended: how it ended.</summary>
/// <param name="Event">Always <c>SUMMARY</c>.</param>
/// <param name="Outcome"><c>completed</c>, <c>failed</c>, <c>timedout</c> or <c>aborted</c>.</param>
/// <param name="ExitCode">The engine's exit code, or null when it never signalled.</param>
/// <param name="CompletedTasks">Tasks that completed.</param>
/// <param name="FailedTasks">Tasks that failed.</param>
/// <param name="UnknownTasks">Tasks whose end the sentinel cannot vouch for.</param>
/// <param name="TotalTasks">Tasks of the workflow.</param>
/// <param name="TimedOut">Whether the watch reached its timeout.</param>
/// <param name="MassFailure">Whether a mass failure was reported.</param>
/// <param name="DurationSeconds">How long the watch lasted.</param>
internal sealed record SummaryLine(
    string Event,
    string Outcome,
    int? ExitCode,
    int CompletedTasks,
    int FailedTasks,
    int UnknownTasks,
    int TotalTasks,
    bool TimedOut,
    bool MassFailure,
    double DurationSeconds);

/// <summary>The last line of a watch that was interrupted (Ctrl+C, SIGTERM): what was known.</summary>
/// <param name="Event">Always <c>INTERRUPTED</c>.</param>
/// <param name="DurationSeconds">How long the watch lasted.</param>
/// <param name="Progress">The last counts.</param>
internal sealed record InterruptedLine(string Event, double DurationSeconds, ProgressLine Progress);

/// <summary>Serialises the lines without reflection, every property snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReportLine))]
[JsonSerializable(typeof(SummaryLine))]
[JsonSerializable(typeof(InterruptedLine))]
internal sealed partial class NdjsonContext : JsonSerializerContext;
