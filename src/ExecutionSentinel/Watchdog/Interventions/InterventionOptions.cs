namespace ExecutionSentinel.Watchdog;

/// <summary>Whether and how the watchdog may act on the cluster. Safe by default: it observes only.</summary>
/// <remarks>Public because applications configure it through <c>AddWatchdog</c>.</remarks>
public sealed class InterventionOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "ExecutionSentinel:Interventions";

    /// <summary>Off (the default: observe only), DryRun (report what would be done) or Enabled.</summary>
    public InterventionMode Mode { get; set; } = InterventionMode.Off;

    /// <summary>At most this many interventions in any hour (sliding window); more are refused and reported. Default 5.</summary>
    public int MaxPerHour { get; set; } = 5;

    /// <summary>
    /// Which report kinds lead to which action (by kind name, e.g. <c>"straggler": "TerminateTask"</c>,
    /// <c>"workflow-stalled": "TerminateWorkflow"</c>). Empty by default: no report leads to an action.
    /// </summary>
    public IDictionary<string, InterventionAction> Actions { get; } = new Dictionary<string, InterventionAction>(StringComparer.Ordinal);

    /// <summary>
    /// The report kinds of the application's own detectors that <see cref="Actions"/> may name. A kind in
    /// <see cref="Actions"/> that is neither built in nor listed here is refused at start: a misspelt kind would
    /// otherwise never act, silently.
    /// </summary>
    public ISet<string> CustomKinds { get; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>Whether the watchdog acts.</summary>
/// <remarks>Public because applications configure it.</remarks>
public enum InterventionMode
{
    /// <summary>Never acts.</summary>
    Off = 0,

    /// <summary>Reports what it would do, and does nothing.</summary>
    DryRun = 1,

    /// <summary>Acts, within the limits.</summary>
    Enabled = 2,
}

/// <summary>What an intervention does.</summary>
/// <remarks>Public because applications map report kinds to it.</remarks>
public enum InterventionAction
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Deletes the task's Job, as the watch observed it (uid precondition, background propagation), if it still runs.</summary>
    TerminateTask = 1,

    /// <summary>
    /// Deletes the running Jobs the watch observed as the workflow's tasks (each with its uid precondition, background
    /// propagation); never Jobs merely matching a selector.
    /// </summary>
    TerminateWorkflow = 2,
}

/// <summary>How an intervention ended.</summary>
internal enum InterventionOutcome
{
    /// <summary>Done.</summary>
    Executed = 0,

    /// <summary>Dry run: reported, not done.</summary>
    DryRun = 1,

    /// <summary>Refused: interventions are off.</summary>
    RefusedOff = 2,

    /// <summary>Refused: this replica is not the leader.</summary>
    RefusedNotLeader = 3,

    /// <summary>Refused: the hourly limit is reached.</summary>
    RefusedLimit = 4,

    /// <summary>Refused: the resource does not carry the workflow's selector labels, or is another object (uid) than the one meant.</summary>
    RefusedNotOurs = 5,

    /// <summary>Refused: the watchdog stopped acting after a systemic failure.</summary>
    RefusedSuspended = 6,

    /// <summary>Tried and failed (the cluster refused, or the object changed meanwhile).</summary>
    Failed = 7,

    /// <summary>Nothing to act on: the object is already gone.</summary>
    NotFound = 8,

    /// <summary>Refused: no running watch observed such a Job among its workflow's tasks (the only Jobs ever acted on).</summary>
    RefusedNotObserved = 9,

    /// <summary>Refused: the Job is not running (finished, or being deleted), in the watch's last observation or on re-reading it.</summary>
    RefusedNotRunning = 10,
}

/// <summary>
/// What an intervention is aimed at: a key to look up among the Jobs the running watches observed. Only an observed Job,
/// with the namespace of its watch's context and the uid the watch saw, is ever acted on.
/// </summary>
/// <param name="Namespace">The workflow's namespace.</param>
/// <param name="JobName">The Job, for <see cref="InterventionAction.TerminateTask"/>; <see langword="null"/> for the whole workflow.</param>
/// <param name="ExpectedUid">The uid the caller saw, when it saw one: only the observed Job with that uid is acted on.</param>
/// <param name="Reason">Why, for the report.</param>
internal sealed record InterventionTarget(string Namespace, string? JobName, string? ExpectedUid, string Reason)
{
    /// <summary>The workflow's engine pod, for <see cref="InterventionAction.TerminateWorkflow"/>: whose watch's observed Jobs are terminated.</summary>
    public string? EnginePodName { get; init; }
}
