namespace ExecutionSentinel.Detectors;

/// <summary>Bounds shared by the built-in detectors' options.</summary>
internal static class DetectorLimits
{
    /// <summary>
    /// The longest threshold a detector takes: a day. Longer is never meant (nothing stuck for a day goes unnoticed
    /// otherwise) and usually a slip: a bare <c>"10"</c> binds as 10 days, not 10 seconds, and must fail at start.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);
}
