namespace ExecutionSentinel;

/// <summary>How urgently a person should look at a report.</summary>
public enum ReportSeverity
{
    /// <summary>Routine news: progress, phases, a normal completion.</summary>
    Info = 0,

    /// <summary>Something may go wrong: a straggler, an OOM risk.</summary>
    Warning = 1,

    /// <summary>Something went wrong: an OOM kill, a failed task, lost connectivity.</summary>
    Error = 2,

    /// <summary>The workflow as a whole is in trouble: mass failure, a failed workflow.</summary>
    Critical = 3,
}
