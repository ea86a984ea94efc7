using ExecutionSentinel.History;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detection;

/// <summary>
/// What a detector sees at one tick of one watch: read-only to detectors (the sentinel sets it between calls, so no
/// detector can change what the next one sees), with state, episodes and wake-ups private to the detector being called.
/// </summary>
/// <remarks>
/// Public because every detector receives it. Only the sentinel and the test kit of ExecutionSentinel.Testing
/// (<c>DetectorBench</c>) build one.
/// </remarks>
public sealed class DetectionContext
{
    private static readonly IReadOnlyList<TaskChange> NoChanges = [];
    private static readonly IReadOnlyDictionary<string, TaskObservation> NoTasks = new Dictionary<string, TaskObservation>();
    private readonly Dictionary<(int Detector, Type Type), object> _state = [];
    private readonly Dictionary<int, DetectorEpisodes> _episodes = [];
    private DetectorEpisodes? _currentEpisodes;

    internal DetectionContext(MonitoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Workflow = new WorkflowIndex(context);
    }

    /// <summary>The watch's monitoring context.</summary>
    public MonitoringContext Context { get; }

    /// <summary>Look-ups over the context's inventory and DAG.</summary>
    public WorkflowIndex Workflow { get; }

    /// <summary>The current time, from the sentinel's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Now { get; internal set; }

    /// <summary>When the watch started.</summary>
    public DateTimeOffset WatchStartedAt { get; internal set; }

    /// <summary>The tasks whose state changed this tick.</summary>
    public IReadOnlyList<TaskChange> Changes { get; internal set; } = NoChanges;

    /// <summary>Every task seen during the watch, by name, in its latest state (gone tasks included, flagged <see cref="TaskObservation.IsGone"/>).</summary>
    public IReadOnlyDictionary<string, TaskObservation> Tasks { get; internal set; } = NoTasks;

    /// <summary>Task counts now.</summary>
    public ProgressCounts Progress { get; internal set; }

    /// <summary>Task counts at the previous tick.</summary>
    public ProgressCounts PreviousProgress { get; internal set; }

    /// <summary>Whether this tick's observation worked.</summary>
    public ObservationStatus Observation { get; internal set; } = new(true, 0, null);

    /// <summary>The engine's completion signal, once seen.</summary>
    public EngineSignal? EngineSignal { get; internal set; }

    /// <summary>
    /// Why the engine's signal could not be read at the last observation, or <see langword="null"/> when it could: while it
    /// cannot, the workflow may have ended unseen, so no detector should conclude that it stalled.
    /// </summary>
    public SignalReadFailure? SignalReadFailure { get; internal set; }

    /// <summary>Whether the engine's pod exists, as of the last observation that said (<see langword="null"/>: not known).</summary>
    public bool? EnginePodPresent { get; internal set; }

    /// <summary>When the checkpoint this watch resumed from was saved; <see langword="null"/> for a watch that did not resume.</summary>
    public DateTimeOffset? ResumedFrom { get; internal set; }

    /// <summary>
    /// What earlier runs of this workflow took (see <see cref="MonitoringContext.WorkflowName"/>), loaded once when the watch
    /// started; <see langword="null"/> when the watch has no workflow name, no history store is registered, or the store could
    /// not answer in time (the watch then said so once).
    /// </summary>
    public DurationBaselines? Baselines { get; internal set; }

    /// <summary>The name of the detector being called; reports made with <see cref="Report"/> carry it.</summary>
    public string DetectorName { get; private set; } = "sentinel";

    /// <summary>
    /// The episodes of the detector being called, for this watch: "report this once until it clears".
    /// </summary>
    public DetectorEpisodes Episodes => _currentEpisodes ??= EpisodesOf(CurrentDetector);

    /// <summary>The slot of the detector being called (its place in the watch's list), or -1 for the sentinel itself.</summary>
    internal int CurrentDetector { get; private set; } = -1;

    /// <summary>The earliest time a detector asked to be woken at during this tick, if any.</summary>
    internal DateTimeOffset? WakeRequest { get; set; }

    /// <summary>
    /// The calling detector's instance of <typeparamref name="TState"/> for this watch, created on first use and kept for
    /// the whole watch. Private to the detector: another detector asking for the same type gets its own instance.
    /// </summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <returns>The state.</returns>
    public TState GetState<TState>()
        where TState : class, new()
    {
        var key = (CurrentDetector, typeof(TState));
        if (!_state.TryGetValue(key, out var state))
        {
            state = new TState();
            _state[key] = state;
        }

        return (TState)state;
    }

    /// <summary>
    /// Asks to be called again no later than <paramref name="at"/> (the watch otherwise ticks at its poll interval): for a
    /// detector that knows when something becomes due, such as a task reaching its expected duration. The earliest request
    /// of a tick wins; a time already past means "as soon as the loop allows" (it never ticks more often than every 100 ms).
    /// </summary>
    /// <param name="at">When to be called again at the latest.</param>
    public void WakeAt(DateTimeOffset at)
    {
        if (WakeRequest is not { } earliest || at < earliest)
        {
            WakeRequest = at;
        }
    }

    /// <summary>Makes <paramref name="slot"/> (named <paramref name="name"/>) the detector being called.</summary>
    internal void EnterDetector(int slot, string name)
    {
        CurrentDetector = slot;
        DetectorName = name;
        _currentEpisodes = null;
    }

    /// <summary>Back to the sentinel's own reports.</summary>
    internal void LeaveDetector() => EnterDetector(-1, "sentinel");

    private DetectorEpisodes EpisodesOf(int slot)
    {
        if (!_episodes.TryGetValue(slot, out var episodes))
        {
            episodes = new DetectorEpisodes();
            _episodes[slot] = episodes;
        }

        return episodes;
    }

    /// <summary>Makes a report stamped with the current time, progress and detector name.</summary>
    /// <param name="kind">What it is about.</param>
    /// <param name="severity">How urgent it is.</param>
    /// <param name="message">One plain sentence.</param>
    /// <param name="task">The task it concerns, if any; sets the report's task name and type.</param>
    /// <param name="details">Structured facts, if any.</param>
    /// <param name="identity">
    /// What tells this occurrence from another of the same kind and task (see <see cref="SentinelReport.Identity"/>): the
    /// episode's key, an attempt, a level. Leave it out when a kind is said at most once per task.
    /// </param>
    /// <returns>The report.</returns>
    public SentinelReport Report(
        ReportKind kind,
        ReportSeverity severity,
        string message,
        TaskObservation? task = null,
        IReadOnlyDictionary<string, string>? details = null,
        string? identity = null)
    {
        var report = new SentinelReport
        {
            Kind = kind,
            Severity = severity,
            Timestamp = Now,
            Message = message,
            Source = DetectorName,
            TaskName = task?.Name,
            TaskType = task?.TaskType,
            JobName = task?.JobName,
            Progress = Progress,
            Identity = identity,
        };
        return details is null ? report : report with { Details = details };
    }
}
