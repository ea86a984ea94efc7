namespace ExecutionSentinel;

/// <summary>
/// What a report is about. Kinds are open: a custom detector makes its own with <c>new ReportKind("my-kind")</c>.
/// </summary>
/// <param name="Name">The kind's stable, kebab-case name, used in logs and serialized output.</param>
public readonly record struct ReportKind(string Name)
{
    /// <summary>The number of completed or failed tasks changed.</summary>
    public static ReportKind Progress { get; } = new("progress");

    /// <summary>The first task of a task type started.</summary>
    public static ReportKind PhaseStarted { get; } = new("phase-started");

    /// <summary>Every task of a task type has finished.</summary>
    public static ReportKind PhaseCompleted { get; } = new("phase-completed");

    /// <summary>A task attempt was killed for exceeding its memory limit.</summary>
    public static ReportKind OomKill { get; } = new("oom-kill");

    /// <summary>A running task shares its type with a task that was OOM-killed.</summary>
    public static ReportKind OomRisk { get; } = new("oom-risk");

    /// <summary>A running task has run far longer than expected.</summary>
    public static ReportKind Straggler { get; } = new("straggler");

    /// <summary>The share of failed tasks passed the mass-failure threshold.</summary>
    public static ReportKind MassFailure { get; } = new("mass-failure");

    /// <summary>A task ended in failure.</summary>
    public static ReportKind TaskFailed { get; } = new("task-failed");

    /// <summary>A task's pod was evicted (node pressure, preemption, drain).</summary>
    public static ReportKind PodEvicted { get; } = new("pod-evicted");

    /// <summary>A task's objects vanished while it was still running: nothing will report its end.</summary>
    public static ReportKind TaskLost { get; } = new("task-lost");

    /// <summary>A task has been pending (unschedulable, or not started) for longer than allowed.</summary>
    public static ReportKind PendingTooLong { get; } = new("pending-too-long");

    /// <summary>A task's image cannot be pulled (<c>ImagePullBackOff</c>, <c>ErrImagePull</c>, <c>InvalidImageName</c>).</summary>
    public static ReportKind ImagePullError { get; } = new("image-pull-error");

    /// <summary>A task's container cannot be created from its configuration (<c>CreateContainerConfigError</c>…).</summary>
    public static ReportKind ConfigurationError { get; } = new("configuration-error");

    /// <summary>A task's container keeps crashing (<c>CrashLoopBackOff</c>).</summary>
    public static ReportKind CrashLoop { get; } = new("crash-loop");

    /// <summary>A task's Job reached <c>FailureTarget</c>: it will fail, before Kubernetes says so terminally.</summary>
    public static ReportKind JobFailureTarget { get; } = new("job-failure-target");

    /// <summary>Several observations of the cluster in a row failed.</summary>
    public static ReportKind ConnectivityLost { get; } = new("connectivity-lost");

    /// <summary>The cluster can be observed again after a loss of connectivity.</summary>
    public static ReportKind ConnectivityRestored { get; } = new("connectivity-restored");

    /// <summary>The engine signalled exit code 0: terminal.</summary>
    public static ReportKind Completed { get; } = new("completed");

    /// <summary>The engine signalled a non-zero exit code, or mass failure ended the watch: terminal.</summary>
    public static ReportKind Failed { get; } = new("failed");

    /// <summary>The engine did not signal before the watch timeout: terminal.</summary>
    public static ReportKind TimedOut { get; } = new("timed-out");

    /// <summary>A detector threw; it is isolated and the watch goes on.</summary>
    public static ReportKind DetectorFault { get; } = new("detector-fault");

    /// <summary>The engine's completion signal could not be understood.</summary>
    public static ReportKind SignalUnreadable { get; } = new("signal-unreadable");

    /// <summary>The engine's completion signal could not be read (no such container, exec refused, the call failed).</summary>
    public static ReportKind SignalReadFailed { get; } = new("signal-read-failed");

    /// <summary>The cluster refused a request for lack of permission (401/403): the named verb and resource.</summary>
    public static ReportKind AccessDenied { get; } = new("access-denied");

    /// <summary>A task's objects were deleted while unobserved: it most likely ended, but its outcome is unknown.</summary>
    public static ReportKind TaskOutcomeUnknown { get; } = new("task-outcome-unknown");

    /// <summary>A task Job that cannot be matched to a task of the inventory (no known task id): counted on its own.</summary>
    public static ReportKind TaskUnidentified { get; } = new("task-unidentified");

    /// <summary>The watch stopped because it cannot do its job (access denied, when asked to stop on it): terminal.</summary>
    public static ReportKind Aborted { get; } = new("aborted");

    /// <summary>
    /// The history of earlier runs (expected durations) could not be loaded or saved in time: the watch goes on with
    /// expectations from its own run.
    /// </summary>
    public static ReportKind HistoryUnavailable { get; } = new("history-unavailable");

    /// <summary>Whether this kind ends a watch.</summary>
    public bool IsTerminal => this == Completed || this == Failed || this == TimedOut || this == Aborted;

    /// <inheritdoc />
    public override string ToString() => Name;
}
