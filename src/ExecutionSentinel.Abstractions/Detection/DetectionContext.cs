using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detection;

/// <summary>
/// What a detector sees at one tick of one watch. The sentinel builds it; tests may build one too.
/// </summary>
public sealed class DetectionContext
{
    private static readonly IReadOnlyList<TaskChange> NoChanges = [];
    private static readonly IReadOnlyDictionary<string, TaskObservation> NoTasks = new Dictionary<string, TaskObservation>();
    private readonly Dictionary<Type, object> _state;

    /// <summary>Creates a context with its own state store.</summary>
    /// <param name="context">The watch's monitoring context.</param>
    public DetectionContext(MonitoringContext context)
        : this(context, new Dictionary<Type, object>())
    {
    }

    private DetectionContext(MonitoringContext context, Dictionary<Type, object> state)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Workflow = new WorkflowIndex(context);
        _state = state;
    }

    /// <summary>The watch's monitoring context.</summary>
    public MonitoringContext Context { get; }

    /// <summary>Look-ups over the context's inventory and DAG.</summary>
    public WorkflowIndex Workflow { get; }

    /// <summary>The current time, from the sentinel's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Now { get; set; }

    /// <summary>When the watch started.</summary>
    public DateTimeOffset WatchStartedAt { get; set; }

    /// <summary>The tasks whose state changed this tick.</summary>
    public IReadOnlyList<TaskChange> Changes { get; set; } = NoChanges;

    /// <summary>Every task seen during the watch, by name, in its latest state (gone tasks included, flagged <see cref="TaskObservation.IsGone"/>).</summary>
    public IReadOnlyDictionary<string, TaskObservation> Tasks { get; set; } = NoTasks;

    /// <summary>Task counts now.</summary>
    public ProgressCounts Progress { get; set; }

    /// <summary>Task counts at the previous tick.</summary>
    public ProgressCounts PreviousProgress { get; set; }

    /// <summary>Whether this tick's observation worked.</summary>
    public ObservationStatus Observation { get; set; } = new(true, 0, null);

    /// <summary>The engine's completion signal, once seen.</summary>
    public EngineSignal? EngineSignal { get; set; }

    /// <summary>
    /// Why the engine's signal could not be read at the last observation, or <see langword="null"/> when it could: while it
    /// cannot, the workflow may have ended unseen, so no detector should conclude that it stalled.
    /// </summary>
    public SignalReadFailure? SignalReadFailure { get; set; }

    /// <summary>Whether the engine's pod exists, as of the last observation that said (<see langword="null"/>: not known).</summary>
    public bool? EnginePodPresent { get; set; }

    /// <summary>When the checkpoint this watch resumed from was saved; <see langword="null"/> for a watch that did not resume.</summary>
    public DateTimeOffset? ResumedFrom { get; set; }

    /// <summary>The name of the detector being called; reports made with <see cref="Report"/> carry it.</summary>
    public string DetectorName { get; set; } = "sentinel";

    /// <summary>
    /// The watch's instance of <typeparamref name="TState"/>, created on first use and kept for the whole watch.
    /// Use a state type private to your detector: the store is keyed by type.
    /// </summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <returns>The state.</returns>
    public TState GetState<TState>()
        where TState : class, new()
    {
        if (!_state.TryGetValue(typeof(TState), out var state))
        {
            state = new TState();
            _state[typeof(TState)] = state;
        }

        return (TState)state;
    }

    /// <summary>Makes a report stamped with the current time, progress and detector name.</summary>
    /// <param name="kind">What it is about.</param>
    /// <param name="severity">How urgent it is.</param>
    /// <param name="message">One plain sentence.</param>
    /// <param name="task">The task it concerns, if any; sets the report's task name and type.</param>
    /// <param name="details">Structured facts, if any.</param>
    /// <returns>The report.</returns>
    public SentinelReport Report(
        ReportKind kind,
        ReportSeverity severity,
        string message,
        TaskObservation? task = null,
        IReadOnlyDictionary<string, string>? details = null)
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
        };
        return details is null ? report : report with { Details = details };
    }
}
