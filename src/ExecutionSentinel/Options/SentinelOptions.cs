namespace ExecutionSentinel;

/// <summary>
/// How the sentinel's loop watches. Defaults are those of the Python execution-sentinel it replaces.
/// Bound from the <c>ExecutionSentinel</c> configuration section; validated at start. Durations are written "hh:mm:ss"
/// (<c>"00:00:10"</c> = 10 s; a bare <c>"10"</c> means 10 days). Each detector's thresholds are its own options
/// (<c>ExecutionSentinel:Detectors:&lt;Name&gt;</c>, such as <see cref="Detectors.StragglerDetectorOptions"/>).
/// </summary>
public sealed class SentinelOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "ExecutionSentinel";

    /// <summary>How often the cluster is observed: from 100 ms to 1 h, and not longer than <see cref="WatchTimeout"/>. Default 10 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a watch waits for the engine's completion signal before it ends as timed out, at most 30 days. Default 3600 s.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromSeconds(3600);

    /// <summary>
    /// Connectivity is reported lost after this many observations in a row fail, at least 1. Default 3. Kept here, not in the
    /// Connectivity detector's options, because the health check reads it too.
    /// </summary>
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
