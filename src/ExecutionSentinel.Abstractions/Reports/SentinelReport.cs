namespace ExecutionSentinel;

/// <summary>
/// One thing the sentinel has to say about a watched workflow, ready to be shown to a person.
/// </summary>
public sealed record SentinelReport
{
    private static readonly IReadOnlyDictionary<string, string> NoDetails = new Dictionary<string, string>();

    /// <summary>What the report is about.</summary>
    public required ReportKind Kind { get; init; }

    /// <summary>How urgent it is.</summary>
    public required ReportSeverity Severity { get; init; }

    /// <summary>When it was raised (the sentinel's <see cref="TimeProvider"/> time).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>One plain sentence for a person.</summary>
    public required string Message { get; init; }

    /// <summary>The name of the detector (or sentinel component) that raised it.</summary>
    public required string Source { get; init; }

    /// <summary>The task it concerns, when it concerns one task.</summary>
    public string? TaskName { get; init; }

    /// <summary>The Job that runs the task it concerns, when known (what an intervention acts on).</summary>
    public string? JobName { get; init; }

    /// <summary>The task type it concerns, when it concerns one task or one type.</summary>
    public string? TaskType { get; init; }

    /// <summary>The workflow's task counts when the report was raised.</summary>
    public ProgressCounts Progress { get; init; }

    /// <summary>
    /// The counts per task type (every inventory type), on progress, phase and terminal reports; <see langword="null"/> on others.
    /// </summary>
    public IReadOnlyDictionary<string, ProgressCounts>? ProgressByType { get; init; }

    /// <summary>Structured facts behind the message (exit codes, durations, thresholds…), keyed by stable names.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = NoDetails;

    /// <summary>
    /// What tells this occurrence from another of the same <see cref="Kind"/>, <see cref="Source"/> and task, as its
    /// detector declares it (an attempt, a level, the start of an episode), or <see langword="null"/> when the kind is said
    /// at most once per task. A watch resumed from a checkpoint stays quiet about a report of the same identity.
    /// </summary>
    public string? Identity { get; init; }

    /// <summary>
    /// Whether this report ends the watch: the sentinel follows it with a terminal report of outcome
    /// <see cref="WatchOutcome.Failed"/> that names it (<see cref="WatchSummary.EndedBy"/>). For a detector that knows
    /// the workflow cannot succeed, such as the mass-failure detector when asked to stop on mass failure.
    /// </summary>
    public bool EndsWatch { get; init; }

    /// <summary>Set on the terminal report only: how the watch ended.</summary>
    public WatchSummary? Summary { get; init; }

    /// <summary>Whether this report ends the watch.</summary>
    public bool IsTerminal => Kind.IsTerminal;
}
