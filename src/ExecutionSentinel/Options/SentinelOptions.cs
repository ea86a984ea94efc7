namespace ExecutionSentinel;

/// <summary>
/// How the sentinel watches. Defaults are those of the Python execution-sentinel it replaces.
/// Bound from the <c>ExecutionSentinel</c> configuration section; validated at start.
/// </summary>
public sealed class SentinelOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "ExecutionSentinel";

    /// <summary>How often the cluster is observed: from 100 ms to 1 h, and not longer than <see cref="WatchTimeout"/>. Default 10 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a watch waits for the engine's completion signal before it ends as timed out, at most 30 days. Default 3600 s.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromSeconds(3600);

    /// <summary>A running task is a straggler past this multiple of its expected duration, from 1 to 1000. Default 3.0.</summary>
    public double StragglerMultiplier { get; set; } = 3.0;

    /// <summary>
    /// A straggler must also be this far past <see cref="StragglerMultiplier"/> × expected, so that sub-second
    /// tasks that take a few seconds (normal in heavy-tailed real runs) do not fire. Default 60 s.
    /// </summary>
    public TimeSpan StragglerMinimumExcess { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// For tasks with no expected duration, the median runtime of finished tasks of the same type is used
    /// once this many have finished. Default 3.
    /// </summary>
    public int StragglerMinimumSamples { get; set; } = 3;

    /// <summary>Mass failure is reported when failed ÷ total tasks is above this ratio. Default 0.3.</summary>
    public double MassFailureThreshold { get; set; } = 0.3;

    /// <summary>Whether a mass failure ends the watch (as failed) instead of waiting for the engine. Default false.</summary>
    public bool StopOnMassFailure { get; set; }

    /// <summary>A task pending (unschedulable, pulling images, waiting for a node) longer than this is reported. Default 5 min.</summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A workflow with running tasks but no progress and no activity (no task changed, nothing recorded through
    /// <c>WorkflowActivity</c>) for this long is reported hung; the severity rises with elapsed ÷ this. Default 30 min.
    /// </summary>
    public TimeSpan HangThreshold { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Every seen task has ended (finished, failed, evicted or lost), the engine has not signalled, and no task appeared or
    /// changed for this long: reported once as a stalled workflow (HyperFlow's infinite wait). Default 5 min.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Connectivity is reported lost after this many observations in a row fail. Default 3.</summary>
    public int ConnectivityFailureThreshold { get; set; } = 3;

    /// <summary>
    /// After the engine signals, how long the watch waits for tasks still shown running or pending to be seen finished
    /// before it reports the end (the engine hears of a task's end before the Job controller updates the API server).
    /// Tasks still unfinished then are reported by name as unknown, never counted as completed. Default 30 s.
    /// </summary>
    public TimeSpan CompletionGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the watch ends at once (outcome <see cref="WatchOutcome.Aborted"/>) when the cluster refuses access (401/403)
    /// to something it must read, instead of reporting it and going on in case the permission is granted. Default false.
    /// </summary>
    public bool StopOnAccessDenied { get; set; }

    /// <summary>
    /// How long one observation (attaching, or one look at the cluster and the engine's signal) may take before the loop
    /// counts it as failed and goes on: a stuck request never stops the watch. Default 60 s.
    /// </summary>
    public TimeSpan ObservationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When the probe learns of a change that matters between ticks (a watch: a task's phase, a termination, a deletion),
    /// the loop ticks this long after it instead of waiting for the next poll, so that a burst of events makes one tick.
    /// From 0 (at once) to 5 s; "00:00:00.150" = 150 ms. Default 150 ms. <see cref="PollInterval"/> stays the upper bound.
    /// </summary>
    public TimeSpan ChangeDebounce { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Whether a change the probe learns of between ticks wakes the loop early (see <see cref="ChangeDebounce"/>). Default true.</summary>
    public bool TickOnChange { get; set; } = true;
}
