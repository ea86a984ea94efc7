using ExecutionSentinel.Detectors;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The Hang detector's options, bound from <c>ExecutionSentinel:Detectors:Hang</c> (registered by <c>AddWatchdog()</c>). A
/// workflow with running tasks but no progress and no activity (no task changed, nothing recorded through
/// <see cref="WorkflowActivity"/>) for longer than <see cref="Threshold"/> is reported hung.
/// </summary>
public sealed class HangDetectorOptions : DetectorOptions
{
    /// <summary>
    /// Key <c>Threshold</c>: a duration "hh:mm:ss", above zero and at most 1 day (<c>"00:30:00"</c> = 30 min). The severity
    /// rises with elapsed ÷ this: LOW under 1.5, MEDIUM under 2, HIGH under 3, CRITICAL from 3. Default 30 min.
    /// </summary>
    public TimeSpan Threshold { get; set; } = TimeSpan.FromMinutes(30);
}
