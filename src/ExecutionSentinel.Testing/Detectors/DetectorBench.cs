using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Testing;

/// <summary>
/// Runs one detector against a scripted sequence of observations on fake time, as the sentinel would call it, so that a
/// detector's test says "these tasks, then these, 10 s later" and checks what it reported.
/// </summary>
/// <remarks>
/// Public: it is the test kit for detector plug-ins. Each <see cref="Tick"/> hands the detector the tasks seen at that
/// moment; tasks seen before and missing now are gone, as in a real watch. A detector's exception is not caught here (the
/// sentinel isolates it and reports a fault; a test wants to see it).
/// </remarks>
/// <example>
/// <code>
/// var bench = new DetectorBench(new MyDetector(), DetectorBench.Context(DetectorBench.Spec("a", "sifting", expectedSeconds: 45)));
/// bench.Tick(TimeSpan.FromSeconds(10), DetectorBench.Task("a", "sifting", TaskPhase.Running, bench.Time.GetUtcNow()));
/// var reports = bench.Tick(TimeSpan.FromMinutes(5), DetectorBench.Task("a", "sifting", TaskPhase.Running, bench.Time.GetUtcNow()));
/// </code>
/// </example>
public sealed class DetectorBench
{
    /// <summary>Where a bench's fake clock starts unless given one: 2026-01-01 08:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly IAnomalyDetector _detector;
    private readonly TaskLedger _ledger;
    private int _failures;

    /// <summary>Creates a bench for <paramref name="detector"/> watching <paramref name="context"/>.</summary>
    /// <param name="detector">The detector under test.</param>
    /// <param name="context">The watch's context: its inventory gives the totals and expected durations.</param>
    /// <param name="time">The clock, if the test shares one; else a new one at <see cref="DefaultStart"/>.</param>
    public DetectorBench(IAnomalyDetector detector, MonitoringContext context, FakeTimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(context);
        _detector = detector;
        Time = time ?? new FakeTimeProvider(DefaultStart);
        Detection = new DetectionContext(context) { WatchStartedAt = Time.GetUtcNow(), Now = Time.GetUtcNow() };
        _ledger = new TaskLedger(Detection.Workflow, context.TaskInventory);
        Detection.Tasks = _ledger.Tasks;
        Detection.Progress = _ledger.Progress;
        Detection.PreviousProgress = _ledger.Progress;
    }

    /// <summary>The bench's clock: each tick advances it first.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>What the detector saw at the last tick.</summary>
    public DetectionContext Detection { get; }

    /// <summary>When the detector asked, at the last tick, to be called again (<see cref="DetectionContext.WakeAt"/>), if it did.</summary>
    public DateTimeOffset? WakeRequest => Detection.WakeRequest;

    /// <summary>Makes a context of these tasks, in namespace <c>wf-test</c> with engine pod <c>hyperflow-engine-0</c>.</summary>
    /// <param name="tasks">The inventory.</param>
    /// <returns>The context.</returns>
    public static MonitoringContext Context(params TaskSpec[] tasks) => new()
    {
        Namespace = "wf-test",
        EnginePodName = "hyperflow-engine-0",
        TaskInventory = tasks,
    };

    /// <summary>Makes an inventory entry.</summary>
    /// <param name="name">The task's id.</param>
    /// <param name="type">Its type.</param>
    /// <param name="expectedSeconds">Its expected duration, if known.</param>
    /// <param name="memory">Its memory limit, if any (such as <c>2Gi</c>).</param>
    /// <returns>The entry.</returns>
    public static TaskSpec Spec(string name, string type, double? expectedSeconds = null, string? memory = null) => new()
    {
        Name = name,
        TaskType = type,
        ExpectedDuration = expectedSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        MemoryLimit = memory,
    };

    /// <summary>Makes what a probe would report of a task.</summary>
    /// <param name="name">The task's id.</param>
    /// <param name="type">Its type.</param>
    /// <param name="phase">Its phase.</param>
    /// <param name="startedAt">When it started (for a finished task, also when it finished).</param>
    /// <param name="attempt">Its attempt, from 1.</param>
    /// <param name="terminations">How earlier or current attempts ended (OOM kills, evictions).</param>
    /// <returns>The observation.</returns>
    public static TaskObservation Task(string name, string type, TaskPhase phase, DateTimeOffset? startedAt = null, int attempt = 1, params AttemptTermination[] terminations) => new()
    {
        Name = name,
        TaskType = type,
        Phase = phase,
        StartedAt = startedAt,
        FinishedAt = phase is TaskPhase.Succeeded or TaskPhase.Failed ? startedAt : null,
        Attempt = attempt,
        Terminations = terminations,
    };

    /// <summary>
    /// Gives the detector what earlier runs of the workflow took (<see cref="DetectionContext.Baselines"/>), as a watch with a
    /// history store would; <see langword="null"/> for none.
    /// </summary>
    /// <param name="baselines">The baselines, e.g. <c>DurationBaselines.FromRuns(...)</c>.</param>
    public void UseBaselines(ExecutionSentinel.History.DurationBaselines? baselines) => Detection.Baselines = baselines;

    /// <summary>Moves time on by <paramref name="after"/> and runs one tick whose observation saw <paramref name="tasks"/>.</summary>
    /// <param name="after">How much time passes first.</param>
    /// <param name="tasks">Every task the probe sees now.</param>
    /// <returns>What the detector reported.</returns>
    public IReadOnlyList<SentinelReport> Tick(TimeSpan after, params TaskObservation[] tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Begin(after);
        _failures = 0;
        Detection.Observation = new ObservationStatus(true, 0, null);
        Detection.Changes = _ledger.Apply(tasks);
        Detection.Progress = _ledger.Progress;
        return Run();
    }

    /// <summary>Moves time on by <paramref name="after"/> and runs one tick whose observation failed.</summary>
    /// <param name="after">How much time passes first.</param>
    /// <param name="error">Why it failed.</param>
    /// <returns>What the detector reported.</returns>
    public IReadOnlyList<SentinelReport> FailedTick(TimeSpan after, string error = "connection refused")
    {
        Begin(after);
        Detection.Observation = new ObservationStatus(false, ++_failures, error);
        Detection.Changes = [];
        return Run();
    }

    private void Begin(TimeSpan after)
    {
        Time.Advance(after);
        Detection.Now = Time.GetUtcNow();
        Detection.WakeRequest = null;
        Detection.PreviousProgress = Detection.Progress;
    }

    private List<SentinelReport> Run()
    {
        Detection.EnterDetector(0, _detector.Name);
        return [.. _detector.Detect(Detection)];
    }
}
