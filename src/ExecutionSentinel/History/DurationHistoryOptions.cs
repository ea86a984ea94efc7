namespace ExecutionSentinel.History;

/// <summary>
/// How watches use and feed the history of earlier runs, bound from <c>ExecutionSentinel:History</c>; validated at start.
/// Used only by watches whose <see cref="MonitoringContext.WorkflowName"/> is set, and only once a store is registered
/// (<c>UseFileDurationBaselines</c>, <c>UseDurationBaselines</c>).
/// </summary>
public sealed class DurationHistoryOptions
{
    /// <summary>The configuration section under <c>ExecutionSentinel</c>.</summary>
    public const string SectionName = "History";

    /// <summary>Key <c>Learning</c>: <c>CompletedRuns</c> (the default), <c>AllRuns</c> or <c>Off</c>: which ended runs are added to the history.</summary>
    public DurationLearning Learning { get; set; } = DurationLearning.CompletedRuns;

    /// <summary>
    /// Key <c>MaxRuns</c>: a whole number from 1 to 1000. The file store keeps this many recent runs of each workflow and
    /// forgets older ones, so that the baselines follow a workflow whose tasks slowly grow. Default 20.
    /// </summary>
    public int MaxRuns { get; set; } = 20;

    /// <summary>
    /// Key <c>MinimumSamples</c>: a whole number from 1 to 100000. A node's or a type's history is used only once it holds
    /// this many durations; below it, the next, less specific expectation is used. Default 3.
    /// </summary>
    public int MinimumSamples { get; set; } = 3;

    /// <summary>
    /// Key <c>LoadTimeout</c>: a duration "hh:mm:ss" from 100 ms to 5 min. How long a watch waits for the store at its
    /// start; past it, the watch goes on with expectations from its own run and says so once. Default 5 s.
    /// </summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Key <c>SaveTimeout</c>: a duration "hh:mm:ss" from 100 ms to 5 min. How long the end of a watch waits for the store to
    /// keep its run; past it, the run is not learned (the watch has ended normally all the same). Default 10 s.
    /// </summary>
    public TimeSpan SaveTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
