namespace ExecutionSentinel.History;

/// <summary>Which runs a watch adds to its workflow's history when it ends.</summary>
/// <remarks>Public because it is the type of <see cref="DurationHistoryOptions.Learning"/>.</remarks>
public enum DurationLearning
{
    /// <summary>
    /// The default: runs that ended <see cref="WatchOutcome.Completed"/>. Of each, the succeeded tasks the watch did not
    /// report as stragglers.
    /// </summary>
    CompletedRuns = 0,

    /// <summary>Every run, whatever its outcome; of each, the succeeded tasks the watch did not report as stragglers.</summary>
    AllRuns = 1,

    /// <summary>
    /// Watches only use the history; nothing is added (to judge runs against a history learned elsewhere, or to add runs
    /// only through <see cref="IDurationBaselineStore.RecordAsync"/> once the application knows they were healthy).
    /// </summary>
    Off = 2,
}
