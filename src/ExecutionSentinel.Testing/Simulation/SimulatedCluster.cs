using System.Globalization;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Testing;

/// <summary>
/// An in-memory <see cref="IClusterProbe"/> that replays a real trace on a <see cref="TimeProvider"/>:
/// tasks are scheduled from the trace's DAG over a number of parallel slots, with the trace's runtimes,
/// and the injected faults shape their attempts. Drive it with a <c>FakeTimeProvider</c> in tests, or an
/// <see cref="AcceleratedTimeProvider"/> in demos.
/// </summary>
/// <remarks>The whole run is planned when the cluster is created; its start is the time provider's time then.</remarks>
public sealed class SimulatedCluster : IClusterProbe
{
    private readonly TimeProvider _time;
    private readonly SimulatedClusterOptions _options;
    private readonly Dictionary<string, SimulatedTaskTimeline> _timelines;
    private readonly SimulatedTaskTimeline[] _byCreation;
    private readonly ProbeOutageFault[] _outages;

    /// <summary>Plans the replay of <paramref name="trace"/>, starting now.</summary>
    /// <param name="trace">The trace to replay.</param>
    /// <param name="time">The clock the replay follows.</param>
    /// <param name="options">Slots, delays, engine behaviour and faults; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid, or a fault names a task the trace does not have.</exception>
    public SimulatedCluster(WorkflowTrace trace, TimeProvider time, SimulatedClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(time);
        Trace = trace;
        _time = time;
        _options = options ?? new SimulatedClusterOptions();
        Validate(trace, _options);
        StartedAt = time.GetUtcNow();
        _timelines = SimulatedSchedule.Build(trace, _options, StartedAt);
        _byCreation = _timelines.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.Index).ToArray();
        _outages = _options.Faults.OfType<ProbeOutageFault>().ToArray();
        EngineSignalsAt = PlanEngineSignal();
        EngineExitCode = _options.EngineExitCode ?? (_timelines.Count == trace.Tasks.Count && _timelines.Values.All(t => t.Succeeded) ? 0 : 1);
    }

    /// <summary>The options the replay was planned with.</summary>
    internal SimulatedClusterOptions Options => _options;

    /// <summary>The trace being replayed.</summary>
    public WorkflowTrace Trace { get; }

    /// <summary>When the replay started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the engine writes its completion signal, or <see langword="null"/> when it never does.</summary>
    public DateTimeOffset? EngineSignalsAt { get; }

    /// <summary>The exit code the engine signals.</summary>
    public int EngineExitCode { get; }

    /// <summary>How each task plays out; tasks that never start (their prerequisites failed or hung) are absent.</summary>
    public IReadOnlyDictionary<string, SimulatedTaskTimeline> Timelines => _timelines;

    /// <summary>Makes the context a conductor would hand over for this replay.</summary>
    /// <param name="expectedDurations">Where expected durations come from.</param>
    /// <returns>The context.</returns>
    public MonitoringContext CreateContext(ExpectedDurationSource expectedDurations = ExpectedDurationSource.TypeMedian) =>
        Trace.ToMonitoringContext(expectedDurations: expectedDurations);

    /// <inheritdoc />
    public ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IClusterProbeSession>(new Session(this));
    }

    private DateTimeOffset? PlanEngineSignal()
    {
        if (!_options.EngineSignals || _timelines.Values.Any(t => t.FinishedAt is null))
        {
            return null; // A task that never reports back keeps HyperFlow's engine waiting forever.
        }

        var last = _timelines.Values.Select(t => t.FinishedAt!.Value).DefaultIfEmpty(StartedAt).Max();
        return last + _options.EngineSignalDelay;
    }

    private static void Validate(WorkflowTrace trace, SimulatedClusterOptions options)
    {
        var problems = new List<string>();
        if (options.ParallelSlots < 1)
        {
            problems.Add($"ParallelSlots must be at least 1 (was {options.ParallelSlots}).");
        }

        if (options.Nodes < 1)
        {
            problems.Add($"Nodes must be at least 1 (was {options.Nodes}).");
        }

        if (options.PodStartupDelay < TimeSpan.Zero || options.RetryBackoff < TimeSpan.Zero || options.EngineSignalDelay < TimeSpan.Zero
            || options.DeleteFinishedAfter < TimeSpan.Zero)
        {
            problems.Add("Delays must not be negative.");
        }

        var names = trace.Tasks.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Faults.Count; i++)
        {
            var fault = options.Faults[i];
            var task = fault.TargetTask;
            if (task is not null && !names.Contains(task))
            {
                problems.Add($"Faults[{i}] ({fault.GetType().Name}) names task '{task}', which trace '{trace.Name}' does not have.");
            }

            if (fault is StragglerFault { Factor: < 1 or double.NaN })
            {
                problems.Add($"Faults[{i}]: a straggler's factor must be at least 1.");
            }

            if (fault is OomKillFault { Attempts: < 1 } or EvictionFault { Attempts: < 1 })
            {
                problems.Add($"Faults[{i}]: attempts must be at least 1.");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The simulated cluster's options are invalid:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)), nameof(options));
        }
    }

    /// <summary>One watch's view: caches each task's observation so unchanged tasks keep the same instance.</summary>
    private sealed class Session(SimulatedCluster cluster) : IClusterProbeSession
    {
        private readonly Dictionary<string, (int Key, TaskObservation Observation)> _cache = new(StringComparer.Ordinal);

        public ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = cluster._time.GetUtcNow();
            foreach (var outage in cluster._outages)
            {
                var from = cluster.StartedAt + outage.From;
                if (now >= from && now < from + outage.Duration)
                {
                    throw new HttpRequestException("Simulated outage: the API server cannot be reached.");
                }
            }

            var tasks = new List<TaskObservation>();
            foreach (var timeline in cluster._byCreation)
            {
                if (timeline.CreatedAt > now)
                {
                    break;
                }

                if (Observe(timeline, now) is { } observation)
                {
                    tasks.Add(observation);
                }
            }

            var signal = cluster.EngineSignalsAt is { } at && now >= at ? EngineSignal.FromExitCode(cluster.EngineExitCode) : null;
            return ValueTask.FromResult(new ClusterObservation { Tasks = tasks, EngineSignal = signal });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private TaskObservation? Observe(SimulatedTaskTimeline timeline, DateTimeOffset now)
        {
            var options = cluster._options;
            if (timeline.VanishesAt is { } vanishes && now >= vanishes)
            {
                return null;
            }

            if (timeline.FinishedAt is { } finished && options.DeleteFinishedAfter is { } ttl && now >= finished + ttl)
            {
                return null;
            }

            var attempts = timeline.Attempts;
            var current = timeline.AttemptIndexAt(now);

            var attempt = attempts[current];
            var ended = now >= attempt.EndsAt;
            var phase = now < attempt.StartedAt ? TaskPhase.Pending
                : !ended ? TaskPhase.Running
                : attempt.End == AttemptEnd.Succeeded ? TaskPhase.Succeeded
                : attempt.End is AttemptEnd.Failed or AttemptEnd.OomKilledFinal ? TaskPhase.Failed
                : TaskPhase.Pending; // Waiting for the Job controller's retry.

            var unschedulable = attempt.IsUnschedulableAt(now);
            var key = (current * 16) + ((int)phase * 4) + (ended ? 2 : 0) + (unschedulable ? 1 : 0);
            if (_cache.TryGetValue(timeline.Task.Name, out var cached) && cached.Key == key)
            {
                return cached.Observation;
            }

            var terminations = new List<AttemptTermination>();
            for (var i = 0; i <= current; i++)
            {
                if (now >= attempts[i].EndsAt && Termination(attempts[i]) is { } termination)
                {
                    terminations.Add(termination);
                }
            }

            var typeName = timeline.Task.Category.ToLowerInvariant().Replace('_', '-');
            var observation = new TaskObservation
            {
                Name = timeline.Task.Name,
                TaskType = timeline.Task.Category,
                ObjectName = string.Create(CultureInfo.InvariantCulture, $"job{timeline.Index + 1:x5}-{typeName}-{timeline.Index + 1}-1-a{attempt.Number}"),
                JobName = string.Create(CultureInfo.InvariantCulture, $"job{timeline.Index + 1:x5}-{typeName}-{timeline.Index + 1}-1"),
                JobUid = string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{timeline.Index + 1:x12}"),
                Phase = phase,
                CreatedAt = timeline.CreatedAt,
                StartedAt = now >= attempt.StartedAt ? attempt.StartedAt : null,
                FinishedAt = phase is TaskPhase.Succeeded or TaskPhase.Failed ? attempt.EndsAt : null,
                Attempt = attempt.Number,
                Terminations = terminations,
                PodReason = ended && attempt.End == AttemptEnd.Evicted ? "Evicted" : null,
                SchedulingFailure = unschedulable ? "Unschedulable" : null,
                NodeName = unschedulable ? null : "node-" + (timeline.Slot % options.Nodes).ToString(CultureInfo.InvariantCulture),
            };
            _cache[timeline.Task.Name] = (key, observation);
            return observation;
        }

        private static AttemptTermination? Termination(SimulatedAttempt attempt) => attempt.End switch
        {
            AttemptEnd.Succeeded => new AttemptTermination(attempt.Number, "Completed", 0, attempt.EndsAt),
            AttemptEnd.Failed => new AttemptTermination(attempt.Number, "Error", attempt.ExitCode, attempt.EndsAt),
            AttemptEnd.OomKilled or AttemptEnd.OomKilledFinal => new AttemptTermination(attempt.Number, "OOMKilled", 137, attempt.EndsAt),
            AttemptEnd.Evicted => new AttemptTermination(attempt.Number, "Evicted", null, attempt.EndsAt),
            _ => null,
        };
    }
}
