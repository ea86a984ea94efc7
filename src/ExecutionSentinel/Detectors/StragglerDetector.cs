using System.Globalization;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Reports a running task, once per attempt, when it has run longer than
/// <see cref="SentinelOptions.StragglerMultiplier"/> × its expected duration plus
/// <see cref="SentinelOptions.StragglerMinimumExcess"/>.
/// </summary>
/// <remarks>
/// The expected duration is the task's <see cref="TaskSpec.ExpectedDuration"/>, else the median runtime of finished
/// tasks of its type (as Spark's speculation does) once enough have finished. The absolute excess keeps
/// heavy-tailed but healthy real runs quiet: a 0.1 s task that takes 5 s is not worth a person's attention.
/// Work per tick is proportional to the changes and the running tasks, not to the workflow's size.
/// </remarks>
public sealed class StragglerDetector : IAnomalyDetector
{
    private readonly IOptionsMonitor<SentinelOptions> _options;

    /// <summary>Creates the detector.</summary>
    /// <param name="options">The sentinel's options.</param>
    public StragglerDetector(IOptionsMonitor<SentinelOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "straggler";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.GetState<State>();
        Track(context, state);
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
            if (expected is null)
            {
                continue;
            }

            var elapsed = context.Now - run.StartedAt;
            var threshold = (expected.Value * options.StragglerMultiplier) + options.StragglerMinimumExcess;
            if (elapsed <= threshold)
            {
                context.WakeAt(run.StartedAt + threshold); // Said when it is due, not up to a poll interval later.
                continue;
            }

            run.Reported = true;
            var task = context.Tasks.TryGetValue(name, out var observed) ? observed : null;
            var times = expected.Value > TimeSpan.Zero ? elapsed / expected.Value : double.PositiveInfinity;
            (reports ??= []).Add(context.Report(
                ReportKind.Straggler,
                ReportSeverity.Warning,
                $"Task '{name}' ({run.TaskType}) has run for {Format.Duration(elapsed)}, {Format.Ratio(times)}× its expected {Format.Duration(expected.Value)}.",
                task,
                new Dictionary<string, string>
                {
                    ["elapsedSeconds"] = Format.Seconds(elapsed),
                    ["expectedSeconds"] = Format.Seconds(expected.Value),
                    ["expectedFrom"] = run.Expected is null ? "median" : "inventory",
                    ["multiplier"] = Format.Ratio(options.StragglerMultiplier),
                    ["attempt"] = run.Attempt.ToString(CultureInfo.InvariantCulture),
                },
                identity: run.Attempt.ToString(CultureInfo.InvariantCulture)) with { TaskName = name, TaskType = run.TaskType });
        }

        return (IEnumerable<SentinelReport>?)reports ?? [];
    }

    private static void Track(DetectionContext context, State state)
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
                        Expected = context.Workflow.FindSpec(task.Name)?.ExpectedDuration,
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

    private static TimeSpan? Median(State state, SentinelOptions options, string type)
    {
        return state.Runtimes.TryGetValue(type, out var runtimes) && runtimes.Count >= options.StragglerMinimumSamples
            ? runtimes[runtimes.Count / 2]
            : null;
    }

    private sealed class Run(string taskType, int attempt, DateTimeOffset startedAt)
    {
        public string TaskType { get; } = taskType;

        public int Attempt { get; } = attempt;

        public DateTimeOffset StartedAt { get; } = startedAt;

        /// <summary>The inventory's expected duration, looked up once per run rather than at every tick.</summary>
        public TimeSpan? Expected { get; init; }

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
