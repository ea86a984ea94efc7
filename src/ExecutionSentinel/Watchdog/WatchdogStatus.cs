namespace ExecutionSentinel.Watchdog;

/// <summary>The watchdog's status report, on demand.</summary>
/// <remarks>Public because applications read it from <see cref="WatchdogStatusProvider"/>.</remarks>
public sealed class WatchdogStatus
{
    /// <summary>Watches running now.</summary>
    public int WatchesRunning { get; internal init; }

    /// <summary>Hangs detected so far.</summary>
    public int HangsDetected { get; internal init; }

    /// <summary>Interventions done (or dry-run) so far.</summary>
    public int InterventionsDone { get; internal init; }

    /// <summary>Interventions refused or failed so far.</summary>
    public int InterventionsRefused { get; internal init; }

    /// <summary>The last intervention's report, if any.</summary>
    public SentinelReport? LastIntervention { get; internal init; }

    /// <summary>The most recent findings (hangs, stalls, orphans, overruns, consistency), oldest first, at most 20.</summary>
    public IReadOnlyList<SentinelReport> RecentFindings { get; internal init; } = [];

    /// <summary>The intervention mode.</summary>
    public InterventionMode Mode { get; internal init; }

    /// <summary>Whether this replica leads.</summary>
    public bool IsLeader { get; internal init; }

    /// <summary>Whether interventions stopped after a systemic failure.</summary>
    public bool Suspended { get; internal init; }

    /// <summary>Why leader election fails now, when it does (<see langword="null"/> when it works or is not used).</summary>
    public string? LeaderElectionFailure { get; internal init; }
}
