namespace ExecutionSentinel.Detectors;

/// <summary>
/// The PendingTooLong detector's options, bound from <c>ExecutionSentinel:Detectors:PendingTooLong</c>. A task pending
/// (unschedulable, pulling images, waiting for a node) longer than <see cref="Timeout"/> is reported once per attempt.
/// </summary>
public sealed class PendingTooLongDetectorOptions : DetectorOptions
{
    /// <summary>Key <c>Timeout</c>: a duration "hh:mm:ss", above zero and at most 1 day (<c>"00:05:00"</c> = 5 min). Default 5 min.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}
