namespace ExecutionSentinel.Watchdog;

/// <summary>The watchdog's status report, on demand.</summary>
public sealed record WatchdogStatus
{
    /// <summary>Watches running now.</summary>
    public int WatchesRunning { get; init; }

    /// <summary>Hangs detected so far.</summary>
    public int HangsDetected { get; init; }

    /// <summary>Interventions done (or dry-run) so far.</summary>
    public int InterventionsDone { get; init; }

    /// <summary>Interventions refused or failed so far.</summary>
    public int InterventionsRefused { get; init; }

    /// <summary>The last intervention's report, if any.</summary>
    public SentinelReport? LastIntervention { get; init; }

    /// <summary>The most recent findings (hangs, stalls, orphans, overruns, consistency), oldest first, at most 20.</summary>
    public IReadOnlyList<SentinelReport> RecentFindings { get; init; } = [];

    /// <summary>The intervention mode.</summary>
    public InterventionMode Mode { get; init; }

    /// <summary>Whether this replica leads.</summary>
    public bool IsLeader { get; init; }

    /// <summary>Whether interventions stopped after a systemic failure.</summary>
    public bool Suspended { get; init; }

    /// <summary>Why leader election fails now, when it does (<see langword="null"/> when it works or is not used).</summary>
    public string? LeaderElectionFailure { get; init; }
}
