using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Feeds one detector tick by tick, as the sentinel does, on fake time.</summary>
internal sealed class DetectorBench
{
    private readonly IAnomalyDetector _detector;
    private readonly TaskLedger _ledger;
    private int _failures;

    public DetectorBench(IAnomalyDetector detector, MonitoringContext context)
    {
        _detector = detector;
        Detection = new DetectionContext(context) { WatchStartedAt = Time.GetUtcNow(), Now = Time.GetUtcNow() };
        _ledger = new TaskLedger(Detection.Workflow, Detection.Context.TaskInventory);
        Detection.Tasks = _ledger.Tasks;
        Detection.Progress = _ledger.Progress;
    }

    public FakeTimeProvider Time { get; } = new(SentinelHarness.Epoch);

    public DetectionContext Detection { get; }

    public static IOptionsMonitor<SentinelOptions> Options(Action<SentinelOptions>? configure = null)
    {
        var options = new SentinelOptions();
        configure?.Invoke(options);
        return new StaticOptionsMonitor(options);
    }

    public static MonitoringContext Context(params TaskSpec[] tasks) => new()
    {
        Namespace = "wf-test",
        EnginePodName = "hyperflow-engine-0",
        TaskInventory = tasks,
    };

    public static TaskSpec Spec(string name, string type, double? expectedSeconds = null, string? memory = null) => new()
    {
        Name = name,
        TaskType = type,
        ExpectedDuration = expectedSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        MemoryLimit = memory,
    };

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

    /// <summary>Moves time on and runs one successful tick with the tasks the probe sees now.</summary>
    public List<SentinelReport> Tick(TimeSpan after, params TaskObservation[] tasks)
    {
        Time.Advance(after);
        Detection.Now = Time.GetUtcNow();
        Detection.PreviousProgress = Detection.Progress;
        _failures = 0;
        Detection.Observation = new ObservationStatus(true, 0, null);
        Detection.Changes = _ledger.Apply(tasks);
        Detection.Progress = _ledger.Progress;
        return Run();
    }

    /// <summary>Moves time on and runs one tick whose observation failed.</summary>
    public List<SentinelReport> FailedTick(TimeSpan after, string error = "connection refused")
    {
        Time.Advance(after);
        Detection.Now = Time.GetUtcNow();
        Detection.PreviousProgress = Detection.Progress;
        Detection.Observation = new ObservationStatus(false, ++_failures, error);
        Detection.Changes = [];
        return Run();
    }

    private List<SentinelReport> Run()
    {
        Detection.DetectorName = _detector.Name;
        return _detector.Detect(Detection).ToList();
    }

    private sealed class StaticOptionsMonitor(SentinelOptions value) : IOptionsMonitor<SentinelOptions>
    {
        public SentinelOptions CurrentValue => value;

        public SentinelOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SentinelOptions, string?> listener) => null;
    }
}
