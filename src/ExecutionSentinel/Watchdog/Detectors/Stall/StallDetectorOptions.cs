using ExecutionSentinel.Detectors;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The Stall detector's options, bound from <c>ExecutionSentinel:Detectors:Stall</c> (registered by <c>AddWatchdog()</c>).
/// Every seen task has ended (finished, failed, evicted or lost), the engine has not signalled, and no task appeared or
/// changed for <see cref="Timeout"/>: reported once as a stalled workflow (HyperFlow's infinite wait).
/// </summary>
public sealed class StallDetectorOptions : DetectorOptions
{
    /// <summary>Key <c>Timeout</c>: a duration "hh:mm:ss", above zero and at most 1 day (<c>"00:05:00"</c> = 5 min). Default 5 min.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}
