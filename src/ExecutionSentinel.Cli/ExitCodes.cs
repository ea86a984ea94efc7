namespace ExecutionSentinel.Cli;

/// <summary>The tool's exit codes (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Completed = 0;
    public const int WorkflowFailed = 1;
    public const int TimedOut = 2;
    public const int UsageError = 64;
    public const int ClusterUnreachable = 69;
    public const int Interrupted = 130;

    public static int For(WatchSummary summary) => summary.Outcome switch
    {
        WatchOutcome.Completed => Completed,
        WatchOutcome.Failed => WorkflowFailed,
        WatchOutcome.Aborted => ClusterUnreachable, // access denied, or the engine's signal could never be read
        _ => TimedOut,
    };
}
