using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.History;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports a running task, once per attempt, when it has run longer than
/// <see cref="StragglerDetectorOptions.Multiplier"/> × its expected duration plus
/// <see cref="StragglerDetectorOptions.MinimumExcess"/>.
/// </summary>
/// <remarks>
/// The expected duration is the most specific one with enough samples (<see cref="Expectation"/>): the task's
/// <see cref="TaskSpec.ExpectedDuration"/>, else the median of its DAG node in earlier runs, else of its type in earlier
/// runs (<see cref="DetectionContext.Baselines"/>, <see cref="DurationHistoryOptions.MinimumSamples"/>), else the median
/// runtime of finished tasks of its type in this run (as Spark's speculation does) once enough have finished. A history's
/// threshold is never below the 95th percentile of what it learned. The absolute excess keeps heavy-tailed but healthy
/// real runs quiet: a 0.1 s task that takes 5 s is not worth a person's attention.
/// Work per tick is proportional to the changes and the running tasks, not to the workflow's size.
/// </remarks>
internal sealed class StragglerDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<StragglerDetectorOptions> _options;
    private readonly IOptionsMonitor<DurationHistoryOptions>? _history;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The detector's options.</param>
    /// <param name="history">The history's options (how many samples make a history trusted); defaults when absent.</param>
    public StragglerDetector(IOptionsMonitor<StragglerDetectorOptions> options, IOptionsMonitor<DurationHistoryOptions>? history = null)
    {
        _options = options;
        _history = history;
    }

    /// <inheritdoc />
    public string Name => "straggler";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.GetState<State>();
        Track(context, state, _history?.CurrentValue.MinimumSamples ?? new DurationHistoryOptions().MinimumSamples);
        if (state.Running.Count == 0)
        {
            return [];
        }

        var options = _options.CurrentValue;
        List<SentinelReport>? reports = null;
        foreach (var (name, run) in state.Running)
        {
            if (run.Reported)
            {
                continue;
            }

            var expected = run.Expected ?? Median(state, options, run.TaskType);
            if (expected is not { } expectation)
            {
                continue;
            }

            var elapsed = context.Now - run.StartedAt;
            var threshold = expectation.Threshold(options.Multiplier, options.MinimumExcess);
            if (elapsed <= threshold)
            {
                context.WakeAt(run.StartedAt + threshold); // Said when it is due, not up to a poll interval later.
                continue;
            }

            run.Reported = true;
            var task = context.Tasks.TryGetValue(name, out var observed) ? observed : null;
            var times = expectation.Duration > TimeSpan.Zero ? elapsed / expectation.Duration : double.PositiveInfinity;
            var details = new Dictionary<string, string>
            {
                ["elapsedSeconds"] = ReportText.Seconds(elapsed),
                ["expectedSeconds"] = ReportText.Seconds(expectation.Duration),
                ["expectedFrom"] = expectation.From,
                ["multiplier"] = ReportText.Ratio(options.Multiplier),
                ["attempt"] = run.Attempt.ToString(CultureInfo.InvariantCulture),
                ["thresholdSeconds"] = ReportText.Seconds(threshold),
            };
            if (expectation.From != Expectation.Inventory)
            {
                details["samples"] = expectation.Samples.ToString(CultureInfo.InvariantCulture);
            }

            (reports ??= []).Add(context.Report(
                ReportKind.Straggler,
                ReportSeverity.Warning,
                $"Task '{name}' ({run.TaskType}) has run for {ReportText.Duration(elapsed)}, {ReportText.Ratio(times)}× its expected {ReportText.Duration(expectation.Duration)} ({expectation.Describe(name, run.TaskType)}).",
                task,
                details,
                identity: run.Attempt.ToString(CultureInfo.InvariantCulture)) with { TaskName = name, TaskType = run.TaskType });
        }

        return (IEnumerable<SentinelReport>?)reports ?? [];
    }

    private static void Track(DetectionContext context, State state, int minimumHistorySamples)
    {
        foreach (var change in context.Changes)
        {
            var task = change.Current;
            if (task.Phase == TaskPhase.Running && !task.IsGone)
            {
                if (!state.Running.TryGetValue(task.Name, out var run) || run.Attempt != task.Attempt)
                {
                    state.Running[task.Name] = new Run(task.TaskType, task.Attempt, task.StartedAt ?? context.Now)
                    {
                        Expected = Expectation.AtStart(context, task.Name, task.TaskType, minimumHistorySamples),
                    };
                }
            }
            else
            {
                state.Running.Remove(task.Name);
                if (change.JustFinished && task.Phase == TaskPhase.Succeeded
                    && task.StartedAt is { } started && task.FinishedAt is { } finished)
                {
                    state.AddRuntime(task.TaskType, finished - started);
                }
            }
        }
    }

    private static Expectation? Median(State state, StragglerDetectorOptions options, string type)
    {
        return state.Runtimes.TryGetValue(type, out var runtimes) && runtimes.Count >= options.MinimumSamples
            ? new Expectation(runtimes[runtimes.Count / 2], Expectation.InRunMedian, runtimes.Count)
            : null;
    }

    private sealed class Run(string taskType, int attempt, DateTimeOffset startedAt)
    {
        public string TaskType { get; } = taskType;

        public int Attempt { get; } = attempt;

        public DateTimeOffset StartedAt { get; } = startedAt;

        /// <summary>The inventory's or the history's expectation, looked up once per attempt rather than at every tick.</summary>
        public Expectation? Expected { get; init; }

        public bool Reported { get; set; }
    }

    private sealed class State
    {
        public Dictionary<string, Run> Running { get; } = new(StringComparer.Ordinal);

        /// <summary>Finished runtimes per type, kept sorted so the median is one look-up.</summary>
        public Dictionary<string, List<TimeSpan>> Runtimes { get; } = new(StringComparer.Ordinal);

        public void AddRuntime(string type, TimeSpan runtime)
        {
            if (!Runtimes.TryGetValue(type, out var list))
            {
                Runtimes[type] = list = [];
            }

            var at = list.BinarySearch(runtime);
            list.Insert(at < 0 ? ~at : at, runtime);
        }
    }
}
