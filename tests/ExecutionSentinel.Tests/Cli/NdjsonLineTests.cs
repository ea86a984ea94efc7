using System.Text;
using System.Text.Json.Nodes;
using ExecutionSentinel.Cli.Output;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>
/// The NDJSON lines of <c>--output json</c>, one per event, built from reports as the detectors write them and compared
/// with JSON written here by hand (docs/cli.md's schema), not with anything the tool's own serializer produced.
/// </summary>
public sealed class NdjsonLineTests
{
    private static readonly DateTimeOffset At = new(2026, 2, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly ProgressCounts Counts = new(Completed: 12, Failed: 1, Running: 3, Total: 52);

    public static TheoryData<string, SentinelReport, string> Reports() => new()
    {
        {
            "progress",
            Report(ReportKind.Progress, ReportSeverity.Info, "progress", new() { ["completedDelta"] = "2", ["failedDelta"] = "0" }),
            """
            {"event": "PROGRESS", "kind": "progress", "risk": false, "severity": "info", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "progress", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"completed_delta": 2, "failed_delta": 0}}
            """
        },
        {
            "phase completed",
            Report(ReportKind.PhaseCompleted, ReportSeverity.Info, "phases", new() { ["taskType"] = "sifting", ["tasks"] = "2" }) with { TaskType = "sifting" },
            """
            {"event": "PROGRESS", "kind": "phase-completed", "risk": false, "severity": "info", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "phases", "task": null, "task_type": "sifting", "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"task_type": "sifting", "tasks": 2}}
            """
        },
        {
            "OOM kill",
            Report(ReportKind.OomKill, ReportSeverity.Error, "oom-kill", new() { ["attempt"] = "1", ["reason"] = "OOMKilled", ["exitCode"] = "137", ["memoryLimit"] = "2Gi", ["node"] = "node-0" })
                with { TaskName = "individuals_ID0000005", TaskType = "individuals", JobName = "job00005-individuals-5-1" },
            """
            {"event": "ANOMALY_OOMKILL", "kind": "oom-kill", "risk": false, "severity": "error", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "oom-kill", "task": "individuals_ID0000005", "task_type": "individuals", "job_name": "job00005-individuals-5-1",
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"attempt": 1, "reason": "OOMKilled", "exit_code": 137, "memory_limit": "2Gi", "node": "node-0"}}
            """
        },
        {
            "OOM risk",
            Report(ReportKind.OomRisk, ReportSeverity.Warning, "oom-kill", new() { ["taskType"] = "individuals", ["count"] = "2", ["tasks"] = "individuals_ID0000001,individuals_ID0000002" })
                with { TaskType = "individuals" },
            """
            {"event": "ANOMALY_OOMKILL", "kind": "oom-risk", "risk": true, "severity": "warning", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "oom-kill", "task": null, "task_type": "individuals", "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"task_type": "individuals", "count": 2, "tasks": ["individuals_ID0000001", "individuals_ID0000002"]}}
            """
        },
        {
            "straggler",
            Report(ReportKind.Straggler, ReportSeverity.Warning, "straggler", new() { ["elapsedSeconds"] = "217.394", ["expectedSeconds"] = "52.332", ["expectedFrom"] = "inventory", ["multiplier"] = "3", ["attempt"] = "1" })
                with { TaskName = "individuals_ID0000015", TaskType = "individuals" },
            """
            {"event": "ANOMALY_STRAGGLER", "kind": "straggler", "risk": false, "severity": "warning", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "straggler", "task": "individuals_ID0000015", "task_type": "individuals", "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"elapsed_seconds": 217.394, "expected_seconds": 52.332, "expected_from": "inventory", "multiplier": 3, "attempt": 1}}
            """
        },
        {
            "mass failure",
            Report(ReportKind.MassFailure, ReportSeverity.Critical, "mass-failure", new() { ["failedRatio"] = "0.35", ["threshold"] = "0.3" }),
            """
            {"event": "MASS_FAILURE", "kind": "mass-failure", "risk": false, "severity": "critical", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "mass-failure", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"failed_ratio": 0.35, "threshold": 0.3}}
            """
        },
        {
            "connectivity lost",
            Report(ReportKind.ConnectivityLost, ReportSeverity.Error, "connectivity", new() { ["consecutiveFailures"] = "3", ["error"] = "Connection refused", ["everObserved"] = "false" }),
            """
            {"event": "CONNECTIVITY_LOSS", "kind": "connectivity-lost", "risk": false, "severity": "error", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "connectivity", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"consecutive_failures": 3, "error": "Connection refused", "ever_observed": false}}
            """
        },
        {
            "task failed",
            Report(ReportKind.TaskFailed, ReportSeverity.Error, "task-failure", new() { ["attempts"] = "2", ["reason"] = "Error", ["exitCode"] = "1" }) with { TaskName = "sifting-0", TaskType = "sifting" },
            """
            {"event": "TASK_FAILED", "kind": "task-failed", "risk": false, "severity": "error", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "task-failure", "task": "sifting-0", "task_type": "sifting", "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"attempts": 2, "reason": "Error", "exit_code": 1}}
            """
        },
        {
            "workflow hung",
            Report(new ReportKind("workflow-hung"), ReportSeverity.Warning, "hang", new() { ["level"] = "suspect", ["since"] = "2026-02-21T09:30:00.0000000+00:00", ["elapsedSeconds"] = "1800", ["ratio"] = "1.5", ["running"] = "3" }),
            """
            {"event": "WORKFLOW_HUNG", "kind": "workflow-hung", "risk": false, "severity": "warning", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "hang", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"level": "suspect", "since": "2026-02-21T09:30:00.0000000+00:00", "elapsed_seconds": 1800, "ratio": 1.5, "running": 3}}
            """
        },
        {
            "signal unreadable: its raw content stays a string",
            Report(ReportKind.SignalUnreadable, ReportSeverity.Warning, "sentinel", new() { ["raw"] = "0" }),
            """
            {"event": "SIGNAL_UNREADABLE", "kind": "signal-unreadable", "risk": false, "severity": "warning", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "sentinel", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"raw": "0"}}
            """
        },
        {
            "completed",
            Report(ReportKind.Completed, ReportSeverity.Info, "sentinel", new() { ["outcome"] = "Completed", ["durationSeconds"] = "467.829", ["unknownTasks"] = "0", ["exitCode"] = "0" }),
            """
            {"event": "COMPLETION", "kind": "completed", "risk": false, "severity": "info", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "sentinel", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"outcome": "Completed", "duration_seconds": 467.829, "unknown_tasks": 0, "exit_code": 0}}
            """
        },
        {
            "a custom detector's kind and keys: numbers and booleans only when written exactly as one",
            Report(new ReportKind("disk-pressure"), ReportSeverity.Warning, "my-detector", new()
            {
                ["freeBytes"] = "1024", ["freeShare"] = "0.05", ["critical"] = "true", ["rack"] = "007", ["note"] = "1e3", ["deltaBytes"] = "-12", ["label"] = "True",
            }),
            """
            {"event": "DISK_PRESSURE", "kind": "disk-pressure", "risk": false, "severity": "warning", "timestamp": "2026-02-21T10:00:00+00:00",
             "message": "m", "source": "my-detector", "task": null, "task_type": null, "job_name": null,
             "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52},
             "details": {"free_bytes": 1024, "free_share": 0.05, "critical": true, "rack": "007", "note": "1e3", "delta_bytes": -12, "label": "True"}}
            """
        },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void A_report_is_one_line_of_snake_case_keys_and_typed_values(string name, SentinelReport report, string expected)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var output = new MemoryStream();

        new JsonPresenter(output).Show(report);

        AssertLine(name, expected, Assert.Single(Lines(output)));
    }

    [Fact]
    public async Task The_summary_is_the_last_line_and_says_how_the_watch_ended()
    {
        using var output = new MemoryStream();
        var summary = new WatchSummary
        {
            CompletedTasks = 50, FailedTasks = 1, TotalTasks = 52, UnknownTaskNames = ["t-9"], ExitCode = 1, Duration = TimeSpan.FromSeconds(467.8291),
        };

        await new JsonPresenter(output).EndAsync(summary, Counts, TimeSpan.Zero);

        AssertLine("summary", """
            {"event": "SUMMARY", "outcome": "failed", "exit_code": 1, "completed_tasks": 50, "failed_tasks": 1, "unknown_tasks": 1,
             "total_tasks": 52, "timed_out": false, "mass_failure": false, "duration_seconds": 467.829}
            """, Assert.Single(Lines(output)));
    }

    [Fact]
    public async Task A_summary_without_an_exit_code_says_null()
    {
        using var output = new MemoryStream();
        var summary = new WatchSummary { CompletedTasks = 3, FailedTasks = 0, TotalTasks = 5, TimedOut = true, Duration = TimeSpan.FromHours(1) };

        await new JsonPresenter(output).EndAsync(summary, Counts, TimeSpan.Zero);

        AssertLine("timed out", """
            {"event": "SUMMARY", "outcome": "timedout", "exit_code": null, "completed_tasks": 3, "failed_tasks": 0, "unknown_tasks": 0,
             "total_tasks": 5, "timed_out": true, "mass_failure": false, "duration_seconds": 3600}
            """, Assert.Single(Lines(output)));
    }

    [Fact]
    public async Task An_interrupted_watch_ends_with_what_it_knew()
    {
        using var output = new MemoryStream();

        await new JsonPresenter(output).EndAsync(null, Counts, TimeSpan.FromMilliseconds(83_456.7));

        AssertLine("interrupted", """
            {"event": "INTERRUPTED", "duration_seconds": 83.457, "progress": {"completed": 12, "failed": 1, "running": 3, "total": 52}}
            """, Assert.Single(Lines(output)));
    }

    [Fact]
    public void Text_is_not_escaped_beyond_what_JSON_requires_and_each_line_ends_with_a_newline()
    {
        using var output = new MemoryStream();

        new JsonPresenter(output).Show(Report(ReportKind.Straggler, ReportSeverity.Warning, "straggler", []) with { Message = "Task 'x' ran 4.15× its \"expected\" 52 s." });

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"Task 'x' ran 4.15× its \\\"expected\\\" 52 s.\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_typed_details_key_is_documented_with_its_type_in_docs_cli_md()
    {
        var rows = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "cli.md")).Where(l => l.StartsWith('|')).ToList();
        string[] Rows(params string[] types) => [.. rows.Where(r => types.Any(t => r.StartsWith($"| {t} |", StringComparison.Ordinal)))];

        foreach (var (key, type) in NdjsonDetails.Known)
        {
            var documented = type switch
            {
                NdjsonDetails.DetailType.Integer => Rows("integer"),
                NdjsonDetails.DetailType.Number => Rows("number", "number of seconds"),
                NdjsonDetails.DetailType.Boolean => Rows("boolean"),
                NdjsonDetails.DetailType.Time => Rows("string, ISO 8601 time"),
                _ => Rows("string"),
            };
            var name = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(key);
            Assert.True(documented.Any(r => r.Contains($"`{name}`", StringComparison.Ordinal)), $"details key '{name}' ({type}) is not in its row of docs/cli.md");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionSentinel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (ExecutionSentinel.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static SentinelReport Report(ReportKind kind, ReportSeverity severity, string source, Dictionary<string, string> details) => new()
    {
        Kind = kind,
        Severity = severity,
        Timestamp = At,
        Message = "m",
        Source = source,
        Progress = Counts,
        Details = details,
    };

    private static string[] Lines(MemoryStream output) =>
        Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The same keys in the same order, and equal values (numbers by value, so 3 and 3.0 are one).</summary>
    private static void AssertLine(string name, string expected, string actual)
    {
        var want = JsonNode.Parse(expected)!.AsObject();
        var got = JsonNode.Parse(actual)!.AsObject();
        Assert.True(JsonNode.DeepEquals(want, got), $"{name}:{Environment.NewLine}expected {want.ToJsonString()}{Environment.NewLine}actual   {actual}");
        Assert.Equal(want.Select(p => p.Key), got.Select(p => p.Key));
    }
}
